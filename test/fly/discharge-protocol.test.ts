// The third-party discharge protocol (superfly's `tp`): our client against our handler, immediate and
// polling modes, refusals, and the discharges it fetches verify.
import { describe, expect, it } from 'vitest';
import {
  FlyDischargeError,
  FlyMacaroon,
  fetchFlyDischarges,
  flyDischargeHandler,
  toFlyHeader,
  verifyFly,
} from '../../src/fly/index.js';
import { AUTH, authKey, key, token } from './protocol-fixtures.js';

/** A fetch that serves `handler` for AUTH and records what it was asked. */
function fetchFor(handler: (r: Request) => Promise<Response>, seen: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push(`${request.method} ${request.url} ${request.headers.get('authorization') ?? ''}`);
    return handler(request);
  }) as typeof fetch;
}

describe('fetchFlyDischarges with flyDischargeHandler', () => {
  const handler = flyDischargeHandler({
    key: authKey,
    location: AUTH,
    discharge: ({ request, caveats, check }) => {
      expect(caveats).toEqual([{ type: 'ConfineOrganization', body: { id: 7 } }]);
      const member = request.headers.get('authorization') === 'Bearer member-of-7';
      const denials = check({ flyio: [{ userId: 1, organizationIds: member ? [7] : [8] }] });
      if (denials.length > 0) throw new FlyDischargeError(AUTH, 403, 'not a member of the organization');
      return [{ type: 'ValidityWindow', body: { not_before: 0, not_after: 4102444800 } }];
    },
  });

  it('fetches, appends and the result verifies', async () => {
    const seen: string[] = [];
    const header = await fetchFlyDischarges(toFlyHeader([token]), {
      fetch: fetchFor(handler, seen),
      headers: () => ({ authorization: 'Bearer member-of-7' }),
    });
    expect(seen).toEqual([`POST ${AUTH}/.well-known/macfly/3p Bearer member-of-7`]);
    expect(header.startsWith('FlyV1 ')).toBe(true);
    expect(header.split(',')).toHaveLength(2);
    expect(verifyFly(header, { keys: key, access: { action: 'r', orgid: 7 } }).ok).toBe(true);
    // Already discharged: nothing more is fetched.
    const again: string[] = [];
    expect(await fetchFlyDischarges(header, { fetch: fetchFor(handler, again) })).toBe(header);
    expect(again).toEqual([]);
  });

  it('a refusal is a FlyDischargeError with the status', async () => {
    const p = fetchFlyDischarges(toFlyHeader([token]), { fetch: fetchFor(handler) });
    await expect(p).rejects.toBeInstanceOf(FlyDischargeError);
    await expect(p).rejects.toMatchObject({ status: 403, location: AUTH });
  });

  it('the handler refuses bad requests without calling the application', async () => {
    const post = (body: string) =>
      handler(new Request(`${AUTH}/.well-known/macfly/3p`, { method: 'POST', body }));
    expect((await post('{}')).status).toBe(400);
    expect((await post('{"ticket":"AAAA"}')).status).toBe(400);
    expect((await post('not json')).status).toBe(400);
    expect((await handler(new Request(`${AUTH}/.well-known/macfly/3p`))).status).toBe(405);
  });
});

describe('polling', () => {
  it('polls until the discharge is ready', async () => {
    const { ticket } = token.thirdPartyTickets()[0] as { ticket: Uint8Array };
    const { discharge } = FlyMacaroon.dischargeTicket({ key: authKey, location: AUTH, ticket });
    let polls = 0;
    const server = (async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url.endsWith('/.well-known/macfly/3p'))
        return Response.json({ poll_url: `${AUTH}/poll/1` }, { status: 201 });
      polls++;
      if (polls < 3) return Response.json({ error: 'not ready' }, { status: 202 });
      return Response.json({ discharge: discharge.encode() }, { status: 200 });
    }) as typeof fetch;
    const header = await fetchFlyDischarges(toFlyHeader([token]), { fetch: server, pollIntervalMs: 1 });
    expect(polls).toBe(3);
    expect(verifyFly(header, { keys: key, access: { action: 'r', orgid: 7 } }).ok).toBe(true);
  });

  it('user-interactive needs onUserUrl, then polls', async () => {
    const server = (async (input: RequestInfo | URL) =>
      String(input).endsWith('/3p')
        ? Response.json(
            { user_interactive: { user_url: 'https://login', poll_url: `${AUTH}/poll/2` } },
            { status: 201 },
          )
        : Response.json({ error: 'denied by user' }, { status: 403 })) as typeof fetch;
    await expect(fetchFlyDischarges(toFlyHeader([token]), { fetch: server })).rejects.toThrow(/onUserUrl/);
    const urls: string[] = [];
    const p = fetchFlyDischarges(toFlyHeader([token]), {
      fetch: server,
      pollIntervalMs: 1,
      onUserUrl: (u) => void urls.push(u),
    });
    await expect(p).rejects.toMatchObject({ status: 403 });
    expect(urls).toEqual(['https://login']);
  });
});
