/**
 * Where HTTP requests carry macaroons, as the ecosystem sends them:
 * - `Authorization: Macaroon <token>`: one macaroon in any format, or a bundle (go's binary Slice as
 *   base64, a JSON array, or macaroon-bakery's base64 JSON array);
 * - macaroon-bakery's `Macaroons` request header (repeatable; each value a base64 JSON array) and its
 *   `macaroon-<suffix>` cookies holding the same (httpbakery client.go, RequestMacaroons / NewCookie).
 * See shared/spec/reference-details.md §4.5. Each value is a bundle: a root macaroon, then discharges.
 */
import { DecodeError, LimitExceededError } from '../errors.js';
import type { Limits } from '../limits.js';
import { Macaroon } from '../macaroon.js';

/** Read access to request headers: a Web `Headers` object fits, and so does a small adapter. */
export interface HeaderLookup {
  get(name: string): string | null | undefined;
}

export type TokenSource = 'authorization' | 'macaroons-header' | 'cookie';

export interface TokenCandidate {
  readonly source: TokenSource;
  /** The cookie's name, for a cookie. */
  readonly name?: string;
  readonly value: string;
}

export interface ExtractOptions {
  /** Most bundles taken from one request (default 4); more is a malformed request. */
  readonly maxTokens?: number;
  /** Cookie names that carry macaroons start with this (default `macaroon-`, as macaroon-bakery). */
  readonly cookiePrefix?: string;
}

export const DEFAULT_MAX_TOKENS = 4;

const SCHEME = 'macaroon';

/**
 * The bundles a request carries, in order: Authorization, then `Macaroons` headers, then cookies. An
 * empty list means the request carries none. Throws DecodeError for an `Authorization: Macaroon` header
 * without a token, LimitExceededError past `maxTokens`.
 */
export function extractTokens(headers: HeaderLookup, options: ExtractOptions = {}): TokenCandidate[] {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const prefix = options.cookiePrefix ?? 'macaroon-';
  const out: TokenCandidate[] = [];
  const push = (candidate: TokenCandidate): void => {
    if (out.length >= maxTokens) {
      throw new LimitExceededError(`the request carries more than ${maxTokens} macaroon bundles`);
    }
    out.push(candidate);
  };

  const authorization = headers.get('authorization');
  if (authorization) {
    const trimmed = authorization.trim();
    const space = trimmed.search(/\s/);
    const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
    // Other schemes (Bearer, Basic) belong to someone else: not ours to reject.
    if (scheme.toLowerCase() === SCHEME) {
      const token = space < 0 ? '' : trimmed.slice(space).trim();
      if (token === '') throw new DecodeError('Authorization: Macaroon without a token');
      push({ source: 'authorization', value: token });
    }
  }

  const bakery = headers.get('macaroons');
  if (bakery) {
    // Repeated headers arrive joined with commas, which base64 and JSON-in-base64 never contain.
    for (const part of bakery.split(',')) {
      const value = part.trim();
      if (value !== '') push({ source: 'macaroons-header', value });
    }
  }

  const cookie = headers.get('cookie');
  if (cookie) {
    for (const pair of cookie.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      if (!name.startsWith(prefix)) continue;
      const value = cookieValue(pair.slice(eq + 1).trim());
      if (value !== '') push({ source: 'cookie', name, value });
    }
  }
  return out;
}

function cookieValue(raw: string): string {
  // RFC 6265 allows a quoted value; some clients also percent-encode base64's `+`, `/` and `=`.
  const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!unquoted.includes('%')) return unquoted;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    throw new DecodeError('a macaroon cookie holds invalid percent-encoding');
  }
}

/** Decodes one bundle: the root macaroon and its discharges. Throws DecodeError or LimitExceededError. */
export function decodeCandidate(
  candidate: TokenCandidate,
  limits?: Partial<Limits>,
): { macaroon: Macaroon; discharges: Macaroon[] } {
  const [macaroon, ...discharges] = Macaroon.deserializeBundle(
    candidate.value,
    limits === undefined ? {} : { limits },
  );
  if (!macaroon) throw new DecodeError('empty macaroon bundle');
  return { macaroon, discharges };
}
