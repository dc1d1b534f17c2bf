// The one bounded body reader every Web handler and client of the library uses: declared and undeclared
// lengths, a stream that never ends, and the exact limit.
import { describe, expect, it } from 'vitest';
import { KeyPair } from '../../src/bakery/index.js';
import { createDischarger } from '../../src/discharger/index.js';
import { readBodyLimited } from '../../src/httpbakery/body.js';

/** A stream of `chunk`-byte pieces, endless unless `total` is given, that counts what was pulled. */
function chunks(chunk: number, total = Number.POSITIVE_INFINITY) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      const n = Math.min(chunk, total - pulled);
      pulled += n;
      controller.enqueue(new Uint8Array(n).fill(pulled & 0xff));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('readBodyLimited', () => {
  it('reads a body of exactly the limit, streamed in pieces, and refuses one byte more', async () => {
    const exact = chunks(7, 100);
    const bytes = await readBodyLimited(new Response(exact.stream), 100);
    expect(bytes?.length).toBe(100);
    expect(bytes?.[99]).toBe(100);
    const over = chunks(7, 101);
    expect(await readBodyLimited(new Response(over.stream), 100)).toBeUndefined();
  });

  it('stops an endless stream just past the limit', async () => {
    const endless = chunks(64);
    expect(await readBodyLimited(new Response(endless.stream), 1000)).toBeUndefined();
    expect(endless.pulled()).toBeLessThan(1000 + 4 * 64);
  });

  it('refuses a declared length over the limit without reading', async () => {
    const response = new Response('x'.repeat(50), { headers: { 'content-length': '50' } });
    expect(await readBodyLimited(response, 49)).toBeUndefined();
    const fits = new Response('x'.repeat(50), { headers: { 'content-length': '50' } });
    expect((await readBodyLimited(fits, 50))?.length).toBe(50);
  });

  it('stops at the limit even when a smaller length is declared (a Response built by hand)', async () => {
    const endless = chunks(64);
    const lying = new Response(endless.stream, { headers: { 'content-length': '10' } });
    expect(await readBodyLimited(lying, 1000)).toBeUndefined();
    expect(endless.pulled()).toBeLessThan(1000 + 4 * 64);
  });

  it('an empty or absent body is zero bytes', async () => {
    expect((await readBodyLimited(new Response(null), 10))?.length).toBe(0);
    expect((await readBodyLimited(new Response(''), 10))?.length).toBe(0);
  });
});

describe('the discharger on the Web path', () => {
  it('answers 413 to an endless request body, having read little more than its limit', async () => {
    const discharger = createDischarger({ key: KeyPair.generate(), check: () => [], maxBodyBytes: 2048 });
    const endless = chunks(512);
    const request = new Request('https://tp.example/discharge', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: endless.stream,
      duplex: 'half',
    } as RequestInit);
    const response = await discharger.fetch(request);
    expect(response.status).toBe(413);
    expect(endless.pulled()).toBeLessThan(2048 + 4 * 512);
  });
});
