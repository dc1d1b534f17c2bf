/**
 * superfly/macaroon's third-party discharge protocol over HTTP (package `tp`): the client POSTs
 * `{"ticket": "<standard base64>"}` to `<third-party location>/.well-known/macfly/3p` and receives 201
 * with `{"discharge": "fm2_…"}`, or `{"poll_url": …}` (202 while pending, then 200 with `discharge` or
 * `error`), or `{"user_interactive": {"user_url", "poll_url"}}` (a person must visit user_url first).
 * Errors are `{"error": "…"}` with an HTTP error status.
 */
import { base64StdEncode } from '../codec/base64.js';
import { InvalidArgumentError, MacaroonError } from '../errors.js';
import { readBodyLimited } from '../httpbakery/body.js';
import type { FlyDischargeRequest } from './access.js';
import type { FlyCaveatRegistry } from './caveats/registry.js';
import type { FlyCaveat } from './caveats/types.js';
import { type FlyCaveatInput, FlyMacaroon } from './macaroon.js';
import { decodeStdBase64, stripFlyScheme } from './text.js';
import { FLY_PERMISSION_LOCATION, parseFlyHeader, validateTicketCaveats } from './verify.js';

/**
 * Path of the protocol's first request, under the third party's location.
 *
 * @example
 * ```ts
 * const handler = flyDischargeHandler({ key: rootKey, location: 'https://auth.example', discharge: () => [] });
 * export default {
 *   fetch: (req: Request) => (new URL(req.url).pathname === FLY_DISCHARGE_PATH ? handler(req) : new Response(null, { status: 404 })),
 * };
 * ```
 */
export const FLY_DISCHARGE_PATH = '/.well-known/macfly/3p';

/**
 * A discharge the third party refused, or a protocol failure (code `ERR_FLY_DISCHARGE`).
 *
 * @example
 * ```ts
 * try {
 *   await fetchFlyDischarges(`FlyV1 ${token}`);
 * } catch (e) {
 *   if (e instanceof FlyDischargeError) console.warn(`${e.location} refused: ${e.status}`);
 * }
 * ```
 */
export class FlyDischargeError extends MacaroonError {
  override readonly code = 'ERR_FLY_DISCHARGE';
  /** The HTTP status the third party answered (0 when no response). */
  readonly status: number;
  /** The third party's location. */
  readonly location: string;

  constructor(location: string, status: number, message: string) {
    super(message);
    this.location = location;
    this.status = status;
  }
}

function initUrl(location: string): string {
  return location.endsWith('/') ? location + FLY_DISCHARGE_PATH.slice(1) : location + FLY_DISCHARGE_PATH;
}

/**
 * Options of `fetchFlyDischarges`: which tickets to discharge, the fetch to use, and user interaction.
 *
 * @example
 * ```ts
 * const options: FetchDischargesOptions = {
 *   ignore: ['https://slow-3p.example'],
 *   headers: (location) => (location === 'https://auth.example' ? { authorization: 'Bearer s3cret' } : undefined),
 *   onUserUrl: (url) => console.log(`open ${url} to log in`),
 * };
 * const header = await fetchFlyDischarges(`FlyV1 ${token}`, options); // the tokens and their discharges
 * ```
 */
export interface FetchDischargesOptions {
  /** The permission token's location (default Fly's); discharges are fetched for its tickets. */
  readonly location?: string | undefined;
  /** Third-party locations to leave alone. */
  readonly ignore?: readonly string[] | undefined;
  /** `fetch` to use (default `globalThis.fetch`): add cookies or credentials for the third party here. */
  readonly fetch?: typeof fetch | undefined;
  /** Extra request headers for a third party (e.g. its own `Authorization`). */
  readonly headers?: ((location: string) => Record<string, string> | undefined) | undefined;
  /** For user-interactive third parties: show the URL to the person (then polling starts). */
  readonly onUserUrl?: ((url: string, location: string) => void | Promise<void>) | undefined;
  /** Polling: the first interval in ms (default 1 s, doubling up to 10 s). */
  readonly pollIntervalMs?: number | undefined;
  /** The most polls before giving up (default 60). */
  readonly maxPolls?: number | undefined;
  /** Aborts every request and wait of the fetch. */
  readonly signal?: AbortSignal | undefined;
  /** Largest response body read from a third party (default 1 MiB; a larger one is a FlyDischargeError). */
  readonly maxResponseBytes?: number | undefined;
}

/**
 * Fetches a discharge for every third-party caveat of the permission token that the header does not
 * answer yet, and returns the header with them appended (tp.Client.FetchDischargeTokens).
 *
 * @example
 * ```ts
 * const session = 's3cret'; // the caller's credentials at the third party
 * const header = await fetchFlyDischarges(`FlyV1 ${token}`, { headers: () => ({ authorization: `Bearer ${session}` }) });
 * ```
 */
export async function fetchFlyDischarges(
  header: string,
  options: FetchDischargesOptions = {},
): Promise<string> {
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw new InvalidArgumentError('no fetch available; pass options.fetch');
  const schemeless = stripFlyScheme(header);
  const withScheme = schemeless !== header.trim();
  const tokens = parseFlyHeader(schemeless);
  const location = options.location ?? FLY_PERMISSION_LOCATION;
  const permission = tokens.filter((t) => t.location === location);
  if (permission.length !== 1) {
    throw new InvalidArgumentError(
      `expected one permission token at ${location}, found ${permission.length}`,
    );
  }
  const discharges = tokens.filter((t) => t.location !== location);
  const ignore = new Set(options.ignore ?? []);
  const wanted = (permission[0] as FlyMacaroon)
    .thirdPartyTickets(discharges)
    .filter((t) => !ignore.has(t.location));
  const fetched = await Promise.all(wanted.map((t) => fetchOne(doFetch, t.location, t.ticket, options)));
  const items = schemeless.split(',').concat(fetched);
  return withScheme ? `FlyV1 ${items.join(',')}` : items.join(',');
}

interface ProtocolResponse {
  readonly error?: string;
  readonly discharge?: string;
  readonly poll_url?: string;
  readonly user_interactive?: { readonly user_url?: string; readonly poll_url?: string };
}

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

async function call(
  doFetch: typeof fetch,
  location: string,
  url: string,
  init: RequestInit,
  options: FetchDischargesOptions,
): Promise<{ status: number; body: ProtocolResponse }> {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let res: Response;
  try {
    res = await doFetch(url, init);
  } catch (e) {
    throw new FlyDischargeError(location, 0, `third party unreachable: ${(e as Error)?.message ?? e}`);
  }
  const bytes = await readBodyLimited(res, maxBytes).catch(() => undefined);
  if (bytes === undefined) {
    throw new FlyDischargeError(
      location,
      res.status,
      `bad response (${res.status}): unreadable or over ${maxBytes} bytes`,
    );
  }
  let body: ProtocolResponse;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes)) as ProtocolResponse;
  } catch {
    throw new FlyDischargeError(location, res.status, `bad response (${res.status}): not JSON`);
  }
  if (typeof body !== 'object' || body === null) {
    throw new FlyDischargeError(location, res.status, `bad response (${res.status})`);
  }
  return { status: res.status, body };
}

async function fetchOne(
  doFetch: typeof fetch,
  location: string,
  ticket: Uint8Array,
  options: FetchDischargesOptions,
): Promise<string> {
  const headers = { 'content-type': 'application/json', ...(options.headers?.(location) ?? {}) };
  const init: RequestInit = {
    method: 'POST',
    headers,
    body: JSON.stringify({ ticket: base64StdEncode(ticket) }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const { status, body } = await call(doFetch, location, initUrl(location), init, options);
  if (status < 200 || status >= 300 || body.error) throw refused(location, status, body);
  if (typeof body.discharge === 'string' && body.discharge !== '') return checked(location, body.discharge);
  if (typeof body.poll_url === 'string' && body.poll_url !== '')
    return poll(doFetch, location, body.poll_url, options);
  const ui = body.user_interactive;
  if (ui && typeof ui.user_url === 'string' && typeof ui.poll_url === 'string') {
    if (!options.onUserUrl)
      throw new FlyDischargeError(location, status, 'third party needs a person (no onUserUrl)');
    await options.onUserUrl(ui.user_url, location);
    return poll(doFetch, location, ui.poll_url, options);
  }
  throw new FlyDischargeError(location, status, 'bad discharge response');
}

function refused(location: string, status: number, body: ProtocolResponse): FlyDischargeError {
  return new FlyDischargeError(
    location,
    status,
    `third party refused (${status}): ${body.error ?? 'no reason'}`,
  );
}

function checked(location: string, discharge: string): string {
  // One token, in a form this library reads; it is verified where it is used, not here.
  try {
    FlyMacaroon.decode(discharge);
  } catch {
    throw new FlyDischargeError(location, 0, 'the third party sent something that is not a Fly token');
  }
  return discharge;
}

async function poll(
  doFetch: typeof fetch,
  location: string,
  url: string,
  options: FetchDischargesOptions,
): Promise<string> {
  let wait = options.pollIntervalMs ?? 1000;
  const maxPolls = options.maxPolls ?? 60;
  for (let i = 0; i < maxPolls; i++) {
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, Math.max(10_000, options.pollIntervalMs ?? 0));
    const init = { method: 'GET', ...(options.signal ? { signal: options.signal } : {}) };
    const { status, body } = await call(doFetch, location, url, init, options);
    if (status === 202) continue;
    if (status < 200 || status >= 300 || body.error) throw refused(location, status, body);
    if (typeof body.discharge === 'string' && body.discharge !== '') return checked(location, body.discharge);
    throw new FlyDischargeError(location, status, `bad response (${status}): missing discharge`);
  }
  throw new FlyDischargeError(location, 0, `no discharge after ${maxPolls} polls`);
}

/**
 * Options of `flyDischargeHandler`: the third party's key and location, and its decision.
 *
 * @example
 * ```ts
 * const options: DischargeHandlerOptions = {
 *   key: rootKey,
 *   location: 'https://auth.example',
 *   discharge: ({ check }) => (check({ flyio: [{ userId: 42 }] }).length === 0 ? [] : Promise.reject(new FlyDischargeError('https://auth.example', 403, 'denied'))),
 * };
 * flyDischargeHandler(options);
 * ```
 */
export interface DischargeHandlerOptions {
  /** The 32-byte key shared with the services whose tokens name this third party. */
  readonly key: Uint8Array;
  /** This third party's location (the discharges' location). */
  readonly location: string;
  /**
   * Decides, for the caller of this request, whether to discharge: return the caveats to add to the
   * discharge (e.g. a short ValidityWindow, attestations), or throw a FlyDischargeError to refuse (its
   * status and message are sent). `check` gives the denials of the ticket's caveats for what you know of
   * the caller (an empty array: allowed).
   */
  readonly discharge: (ctx: {
    readonly request: Request;
    readonly caveats: readonly FlyCaveat[];
    readonly check: (
      who: FlyDischargeRequest,
      now?: Date | number,
    ) => ReturnType<typeof validateTicketCaveats>;
  }) => readonly FlyCaveatInput[] | Promise<readonly FlyCaveatInput[]>;
  /** The caveat types tickets are read with (default: superfly's standard ones). */
  readonly registry?: FlyCaveatRegistry | undefined;
  /** Largest request body accepted (default 16 KiB). */
  readonly maxBodyBytes?: number | undefined;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

function reply(status: number, body: object): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

/**
 * The third party's side of the protocol, as a Web handler for `POST /.well-known/macfly/3p`: opens the
 * ticket, asks `discharge` what to add, and answers 201 `{"discharge": "fm2_…"}` (immediate mode).
 *
 * @example
 * ```ts
 * const authKey = crypto.getRandomValues(new Uint8Array(32)); // shared with the services that name this 3p
 * const handler = flyDischargeHandler({ key: authKey, location: 'https://auth.example', discharge: ({ check }) => {
 *   if (check({ flyio: [{ userId: 5, organizationIds: [7] }] }).length) throw new FlyDischargeError('https://auth.example', 403, 'not a member');
 *   const now = Math.floor(Date.now() / 1000);
 *   return [{ type: 'ValidityWindow', body: { not_before: now, not_after: now + 300 } }];
 * } });
 * ```
 */
export function flyDischargeHandler(
  options: DischargeHandlerOptions,
): (request: Request) => Promise<Response> {
  const { key, location } = options;
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new InvalidArgumentError('key must be 32 bytes');
  const maxBody = options.maxBodyBytes ?? 16 * 1024;
  return async (request) => {
    if (request.method !== 'POST') return reply(405, { error: 'method not allowed' });
    const bytes = await readBodyLimited(request, maxBody).catch(() => new Uint8Array(0));
    if (bytes === undefined) return reply(413, { error: 'request too large' });
    let ticket: Uint8Array | undefined;
    try {
      const body = JSON.parse(new TextDecoder().decode(bytes)) as { ticket?: unknown };
      ticket = typeof body?.ticket === 'string' ? decodeStdBase64(body.ticket) : undefined;
    } catch {
      ticket = undefined;
    }
    if (ticket === undefined || ticket.length === 0)
      return reply(400, { error: 'bad request: missing ticket' });
    let started: ReturnType<typeof FlyMacaroon.dischargeTicket>;
    try {
      started = FlyMacaroon.dischargeTicket({
        key,
        location,
        ticket,
        ...(options.registry ? { registry: options.registry } : {}),
      });
    } catch {
      return reply(400, { error: 'bad ticket' });
    }
    try {
      const add = await options.discharge({
        request,
        caveats: started.caveats,
        check: (who, now) => validateTicketCaveats(started.entries, who, now ?? Date.now()),
      });
      return reply(201, { discharge: started.discharge.attenuate([...add]).encode() });
    } catch (e) {
      if (e instanceof FlyDischargeError)
        return reply(e.status >= 400 ? e.status : 403, { error: e.message });
      if (e instanceof MacaroonError) return reply(500, { error: 'internal server error' });
      throw e;
    }
  };
}
