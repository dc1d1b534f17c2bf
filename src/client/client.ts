/**
 * The client's side of httpbakery: a `fetch` wrapper that, on a discharge-required answer, gets a
 * discharge for every third-party caveat of the macaroon it was given (recursively, from each third
 * party's `POST <location>/discharge`), binds them to the root, keeps the result and retries. Every
 * loop is bounded: discharges per macaroon, nesting depth, retries, response sizes, and time through
 * an AbortSignal. Web standards only (fetch, Request, Response, AbortSignal).
 */

import { dischargeAll } from '../bakery/discharge.js';
import { PublicKey } from '../bakery/keys.js';
import { BakeryMacaroon } from '../bakery/macaroon.js';
import type { ThirdPartyInfo, ThirdPartyLocator } from '../bakery/third-party.js';
import { requireBakeryVersion } from '../bakery/versions.js';
import { base64UrlEncode } from '../codec/base64.js';
import { InteractionRequiredError } from '../discharger/errors.js';
import { InvalidArgumentError, LimitExceededError, MacaroonError } from '../errors.js';
import { readBodyLimited } from '../httpbakery/body.js';
import {
  BAKERY_PROTOCOL_HEADER,
  ERR_DISCHARGE_REQUIRED,
  ERR_INTERACTION_REQUIRED,
  encodeMacaroonSlice,
  type HttpBakeryErrorBody,
  isBakeryError,
} from '../httpbakery/protocol.js';
import type { Macaroon } from '../macaroon.js';
import { type MacaroonStore, MemoryMacaroonStore, macaroonCookie } from './store.js';

/**
 * A discharger or service answered with an error other than the ones the client handles, or something
 * that is not httpbakery's. `status` is the HTTP status; `bakeryCode` httpbakery's `Code`, if any.
 *
 * @example
 * ```ts
 * const client = new BakeryClient();
 * try {
 *   await client.fetch('https://api.example/accounts/42');
 * } catch (e) {
 *   if (e instanceof DischargeError) console.log(e.status, e.bakeryCode);
 * }
 * ```
 */
export class DischargeError extends MacaroonError {
  override readonly code = 'ERR_DISCHARGE';
  /** The HTTP status the discharger answered (0 when it was not reached). */
  readonly status: number;
  /** httpbakery's error `Code`, when the answer carried one. */
  readonly bakeryCode: string | undefined;

  constructor(message: string, status: number, bakeryCode?: string) {
    super(message);
    this.status = status;
    this.bakeryCode = bakeryCode;
  }
}

/**
 * A discharge token from an interaction, sent back to the discharger.
 *
 * @example
 * ```ts
 * const logIn = async (interaction: InteractionInfo): Promise<string> => 'a token from the login flow';
 * new BakeryClient({ interact: async (error): Promise<InteractionToken> => ({ kind: 'my-login', value: await logIn(error.interaction) }) });
 * ```
 */
export interface InteractionToken {
  /** The interaction method that produced the token, e.g. `browser-window`. */
  readonly kind: string;
  /** The token itself (text is UTF-8 encoded). */
  readonly value: Uint8Array | string;
}

/**
 * Options of `BakeryClient`: the fetch it uses, its bounds, and the interaction hook.
 *
 * @example
 * ```ts
 * new BakeryClient({ timeoutMs: 10_000, maxDischarges: 8, interact: async (error) => undefined });
 * ```
 */
export interface BakeryClientOptions {
  /** The fetch to use (default: globalThis.fetch). */
  readonly fetch?: typeof fetch | undefined;
  /** Most discharges gathered for one macaroon (default 64). */
  readonly maxDischarges?: number | undefined;
  /** Deepest chain of discharges needing discharges (default 8). */
  readonly maxDepth?: number | undefined;
  /** Discharge rounds per request before giving up (default 1: one retry, as a person would). */
  readonly maxRetries?: number | undefined;
  /** Largest JSON body read from a service or discharger (default 1 MiB). */
  readonly maxResponseBytes?: number | undefined;
  /** Time limit for each `fetch` call including its discharges, in ms (default: none). */
  readonly timeoutMs?: number | undefined;
  /** Third parties at `http:` locations are refused unless this is true (as in Go's client). */
  readonly allowInsecure?: boolean | undefined;
  /**
   * Where discharged macaroons are kept and looked up (default: a MemoryMacaroonStore of this client);
   * `new BrowserCookieStore()` in a web page keeps them as httpbakery's `macaroon-*` cookies.
   */
  readonly store?: MacaroonStore | undefined;
  /**
   * Called when a discharger requires interaction; returns the token the interaction produced (then the
   * discharge is retried with it), or undefined to give up (the InteractionRequiredError is thrown).
   */
  readonly interact?:
    | ((error: InteractionRequiredError) => Promise<InteractionToken | undefined>)
    | undefined;
}

/** The body, at most `max` bytes (a LimitExceededError past that; the stream is cancelled, not awaited). */
async function readBytes(response: Response, max: number): Promise<Uint8Array> {
  const bytes = await readBodyLimited(response, max);
  if (bytes === undefined) throw new LimitExceededError(`response body over ${max} bytes`);
  return bytes;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

async function readJson(response: Response, max: number): Promise<unknown> {
  return parseJson(await readBytes(response, max));
}

function trimSlash(location: string): string {
  return location.replace(/\/+$/, '');
}

/**
 * An httpbakery client.
 *
 * @example
 * ```ts
 * const client = new BakeryClient({ timeoutMs: 10_000 });
 * const response = await client.fetch('https://api.example/accounts/42'); // discharges, retries, 200
 * ```
 */
export class BakeryClient implements ThirdPartyLocator {
  readonly #fetch: typeof fetch;
  readonly #options: BakeryClientOptions;
  readonly #info = new Map<string, Promise<ThirdPartyInfo>>();
  readonly #store: MacaroonStore;

  constructor(options: BakeryClientOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('options must be an object');
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new InvalidArgumentError('no fetch: pass options.fetch');
    this.#fetch = f.bind(globalThis);
    this.#options = options;
    this.#store = options.store ?? new MemoryMacaroonStore();
  }

  get #maxBytes(): number {
    return this.#options.maxResponseBytes ?? 1024 * 1024;
  }

  #checkLocation(location: string): URL {
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw new DischargeError(`third-party location ${JSON.stringify(location)} is not a URL`, 0);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.#options.allowInsecure === true)) {
      throw new DischargeError(
        `third-party location ${JSON.stringify(location)} is not https (see allowInsecure)`,
        0,
      );
    }
    return url;
  }

  /** The third party's public key and version (`GET /discharge/info`, else `/publickey`), cached. */
  thirdPartyInfo(location: string, signal?: AbortSignal): Promise<ThirdPartyInfo> {
    const key = trimSlash(location);
    let info = this.#info.get(key);
    if (!info) {
      info = this.#fetchInfo(key, signal);
      info.catch(() => this.#info.delete(key));
      this.#info.set(key, info);
    }
    return info;
  }

  async #fetchInfo(location: string, signal?: AbortSignal): Promise<ThirdPartyInfo> {
    this.#checkLocation(location);
    let r = await this.#fetch(`${location}/discharge/info`, { signal: signal ?? null });
    let legacy = false;
    if (r.status === 404) {
      r.body?.cancel().catch(() => {});
      r = await this.#fetch(`${location}/publickey`, { signal: signal ?? null });
      legacy = true;
    }
    const body = (await readJson(r, this.#maxBytes)) as { PublicKey?: string; Version?: number } | undefined;
    if (!r.ok || typeof body?.PublicKey !== 'string') {
      throw new DischargeError(`cannot get the public key of ${location} (HTTP ${r.status})`, r.status);
    }
    const version = legacy ? 1 : Math.min(3, Math.max(0, Number(body.Version ?? 1)));
    return Object.freeze({
      publicKey: PublicKey.from(body.PublicKey),
      version: requireBakeryVersion(version),
    });
  }

  /** Asks the third party at `location` for a discharge of one caveat. */
  async discharge(
    location: string,
    id: Uint8Array,
    caveat: Uint8Array | undefined,
    signal?: AbortSignal,
  ): Promise<BakeryMacaroon> {
    this.#checkLocation(location);
    let token: InteractionToken | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const form = new URLSearchParams();
      form.set('id64', base64UrlEncode(id));
      if (caveat) form.set('caveat64', base64UrlEncode(caveat));
      if (token) {
        const value = typeof token.value === 'string' ? new TextEncoder().encode(token.value) : token.value;
        form.set('token64', base64UrlEncode(value));
        form.set('token-kind', token.kind);
      }
      const r = await this.#fetch(`${trimSlash(location)}/discharge`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', [BAKERY_PROTOCOL_HEADER]: '3' },
        body: form.toString(),
        signal: signal ?? null,
      });
      const body = (await readJson(r, this.#maxBytes)) as { Macaroon?: unknown } & HttpBakeryErrorBody;
      if (r.ok && body?.Macaroon) return BakeryMacaroon.fromJSON(body.Macaroon);
      if (isBakeryError(r) && body?.Code === ERR_INTERACTION_REQUIRED) {
        const info = body.Info ?? {};
        const error = new InteractionRequiredError(
          body.Message ?? ERR_INTERACTION_REQUIRED,
          {
            ...(info.InteractionMethods ? { methods: info.InteractionMethods } : {}),
            ...(info.VisitURL ? { visitURL: info.VisitURL } : {}),
            ...(info.WaitURL ? { waitURL: info.WaitURL } : {}),
          },
          location,
        );
        token = attempt === 0 && this.#options.interact ? await this.#options.interact(error) : undefined;
        if (!token) throw error;
        continue;
      }
      throw new DischargeError(
        `${location} refused the discharge (HTTP ${r.status}${body?.Code ? `, ${body.Code}` : ''}): ${body?.Message ?? 'no message'}`,
        r.status,
        body?.Code,
      );
    }
    throw new DischargeError(
      `${location} still requires interaction after it`,
      401,
      ERR_INTERACTION_REQUIRED,
    );
  }

  /**
   * Every discharge `m` needs, from the dischargers over HTTP, bound to the root: `[root, ...discharges]`.
   */
  dischargeAll(
    m: BakeryMacaroon,
    signal?: AbortSignal,
  ): Promise<[root: Macaroon, ...discharges: Macaroon[]]> {
    return dischargeAll(m, ({ location, id, caveat }) => this.discharge(location, id, caveat, signal), {
      maxDischarges: this.#options.maxDischarges ?? 64,
      maxDepth: this.#options.maxDepth ?? 8,
    });
  }

  /** The slices kept for `url` (most recent first): what the wrapper sends in the `Macaroons` header. */
  macaroonsFor(url: string | URL): (readonly Macaroon[])[] {
    return this.#store.macaroonsFor(new URL(url));
  }

  /**
   * `fetch` with httpbakery: sends the kept macaroons for the URL; on a discharge-required answer
   * discharges the macaroon it carries, keeps the slice, and retries (`maxRetries` times).
   */
  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const timeout = this.#options.timeoutMs;
    const signals = [init?.signal, timeout === undefined ? undefined : AbortSignal.timeout(timeout)].filter(
      (s): s is AbortSignal => s instanceof AbortSignal,
    );
    const signal =
      signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    const base = new Request(input, { ...init, ...(signal ? { signal } : {}) });
    const maxRetries = this.#options.maxRetries ?? 1;
    for (let round = 0; ; round++) {
      const request = base.clone();
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.set(BAKERY_PROTOCOL_HEADER, '3');
      const [slice] = this.#store.macaroonsFor(url);
      if (slice) headers.set('Macaroons', encodeMacaroonSlice(slice));
      // Cookies the store keeps go with the request, cross-origin too, unless the caller said otherwise.
      const cookies = init?.credentials === undefined && this.#store.sendsCookies?.(url) === true;
      const response = await this.#fetch(
        new Request(request, { headers, ...(cookies ? { credentials: 'include' as const } : {}) }),
      );
      if (!isBakeryError(response)) return response;
      const body = (await readJson(response.clone(), this.#maxBytes)) as HttpBakeryErrorBody | undefined;
      if (body?.Code !== ERR_DISCHARGE_REQUIRED || !body.Info?.Macaroon) return response;
      if (round >= maxRetries) {
        throw new DischargeError(
          'the service still requires a discharge after the retries',
          response.status,
          body.Code,
        );
      }
      await response.body?.cancel().catch(() => {});
      const m = BakeryMacaroon.fromJSON(body.Info.Macaroon);
      const discharged = await this.dischargeAll(m, signal);
      const cookie = macaroonCookie(url, discharged, {
        suffix: body.Info.CookieNameSuffix,
        macaroonPath: body.Info.MacaroonPath,
      });
      this.#store.keep(url, discharged, cookie);
    }
  }
}
