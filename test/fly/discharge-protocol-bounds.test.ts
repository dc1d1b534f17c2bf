// The Fly third-party protocol reads bounded bodies on both sides: a peer that sends more than the limit
// is refused after at most the limit has been read, whether or not it declares a length.
import { describe, expect, it } from 'vitest';
import {
  FlyDischargeError,
  FlyMacaroon,
  fetchFlyDischarges,
  flyDischargeHandler,
  toFlyHeader,
} from '../../src/fly/index.js';
import { AUTH, authKey, token } from './protocol-fixtures.js';

/** An endless stream of `chunk`-byte pieces that counts what was pulled from it. */
function endless(chunk: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('flyDischargeHandler body limit', () => {
  let called = 0;
  const handler = flyDischargeHandler({
    key: authKey,
    location: AUTH,
    maxBodyBytes: 1024,
    discharge: () => {
      called++;
      return [];
    },
  });
  const url = `${AUTH}/.well-known/macfly/3p`;

  it('refuses a declared length over the limit with 413, reading nothing', async () => {
    const { stream, pulled } = endless(4096);
    const request = new Request(url, {
      method: 'POST',
      body: stream,
      headers: { 'content-length': '5000' },
      duplex: 'half',
    } as RequestInit);
    expect((await handler(request)).status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(4096);
    expect(called).toBe(0);
  });

  it('stops reading an undeclared stream once past the limit', async () => {
    const { stream, pulled } = endless(256);
    const request = new Request(url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect((await handler(request)).status).toBe(413);
    // The stream never ends: the handler answered because it stopped at the limit.
    expect(pulled()).toBeLessThan(1024 + 4 * 256);
    expect(called).toBe(0);
  });

  it('counts bytes, not characters', async () => {
    const ticket = (token.thirdPartyTickets()[0] as { ticket: Uint8Array }).ticket;
    const shape = (pad: string) => JSON.stringify({ ticket: btoa(String.fromCharCode(...ticket)), pad });
    const json = shape('é'.repeat(1024 - shape('').length));
    expect(json.length).toBeLessThanOrEqual(1024);
    expect(new TextEncoder().encode(json).length).toBeGreaterThan(1024);
    expect((await handler(new Request(url, { method: 'POST', body: json }))).status).toBe(413);
    const fits = JSON.stringify({ ticket: btoa(String.fromCharCode(...ticket)) });
    expect((await handler(new Request(url, { method: 'POST', body: fits }))).status).toBe(201);
    expect(called).toBe(1);
  });
});

describe('fetchFlyDischarges response limit', () => {
  it('refuses a third party that answers more than maxResponseBytes', async () => {
    const { stream, pulled } = endless(1024);
    const server = (async () =>
      new Response(stream, { status: 201, headers: { 'content-type': 'application/json' } })) as typeof fetch;
    const p = fetchFlyDischarges(toFlyHeader([token]), { fetch: server, maxResponseBytes: 8192 });
    await expect(p).rejects.toBeInstanceOf(FlyDischargeError);
    await expect(p).rejects.toThrow(/over 8192 bytes/);
    expect(pulled()).toBeLessThan(8192 + 4 * 1024);
  });

  it('reads an answer within the limit', async () => {
    const { ticket } = token.thirdPartyTickets()[0] as { ticket: Uint8Array };
    const { discharge } = FlyMacaroon.dischargeTicket({ key: authKey, location: AUTH, ticket });
    const body = JSON.stringify({ discharge: discharge.encode() });
    const server = (async () => new Response(body, { status: 201 })) as typeof fetch;
    const small = fetchFlyDischarges(toFlyHeader([token]), { fetch: server, maxResponseBytes: 16 });
    await expect(small).rejects.toThrow(/over 16 bytes/);
    const header = await fetchFlyDischarges(toFlyHeader([token]), { fetch: server });
    expect(header.split(',')).toHaveLength(2);
  });
});
