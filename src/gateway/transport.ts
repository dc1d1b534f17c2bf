/**
 * Where HTTP requests carry macaroons, as the ecosystem sends them:
 * - `Authorization: Macaroon <token>`: one macaroon in any format, or a bundle (go's binary Slice as
 *   base64, a JSON array, or macaroon-bakery's base64 JSON array);
 * - macaroon-bakery's `Macaroons` request header (repeatable; each value a base64 JSON array) and its
 *   `macaroon-<suffix>` cookies holding the same (httpbakery client.go, RequestMacaroons / NewCookie).
 * See docs/wire-formats.md#bundles-a-root-with-its-discharges. Each value is a bundle: a root macaroon, then discharges.
 */
import { DecodeError } from '../errors.js';
import type { Limits } from '../limits.js';
import { Macaroon } from '../macaroon.js';

/**
 * Read access to request headers: a Web `Headers` object fits, and so does a small adapter.
 *
 * @example
 * ```ts
 * const headers: HeaderLookup = { get: (name) => (name === 'authorization' ? `Macaroon ${token}` : undefined) };
 * extractTokens(headers); // [{ source: 'authorization', value: token }]
 * ```
 */
export interface HeaderLookup {
  /** The value of the header `name` (lower case), or null or undefined when absent. */
  get(name: string): string | null | undefined;
}

/**
 * Where a request carried a bundle: the Authorization header, a `Macaroons` header or a cookie.
 *
 * @example
 * ```ts
 * const [first] = extractTokens(request.headers);
 * const source: TokenSource | undefined = first?.source; // 'authorization', 'macaroons-header' or 'cookie'
 * ```
 */
export type TokenSource = 'authorization' | 'macaroons-header' | 'cookie';

/**
 * A bundle a request carries, as found by `extractTokens`: where it was and its text.
 *
 * @example
 * ```ts
 * for (const candidate of extractTokens(request.headers)) {
 *   const { macaroon, discharges } = decodeCandidate(candidate); // throws DecodeError if malformed
 * }
 * ```
 */
export interface TokenCandidate {
  /** Where the token was found: the Authorization header, the Macaroons header, or a cookie. */
  readonly source: TokenSource;
  /** The cookie's name, for a cookie. */
  readonly name?: string | undefined;
  /** The bundle as text; empty when `error` is set. */
  readonly value: string;
  /**
   * Set when the value could not even be read (an `Authorization: Macaroon` header without a token, a
   * cookie with broken percent-encoding): this candidate then fails on its own with this error, and
   * the request's other candidates are still tried.
   */
  readonly error?: DecodeError | undefined;
}

/**
 * Where and how much `extractTokens` (and so a Gateway) reads: schemes, cookie prefix, most candidates.
 *
 * @example
 * ```ts
 * const options: ExtractOptions = { schemes: ['Macaroon', 'Bearer'], cookiePrefix: 'macaroon-', maxTokens: 8 };
 * extractTokens(request.headers, options);
 * ```
 */
export interface ExtractOptions {
  /**
   * Most candidates tried per request, in the order of preference (default: all of them). The ones
   * past it are ignored, never an error; but a cap lets anyone who can set cookies on your domain push a
   * user's own cookie out of reach with cookies of theirs, so keep the default unless you need a cap.
   */
  readonly maxTokens?: number | undefined;
  /**
   * The `Authorization` schemes that carry a macaroon, case-insensitively (default `['Macaroon']`).
   * `['Macaroon', 'Bearer']` also reads `Authorization: Bearer <macaroon>`; the first one names the
   * challenge of a 401 (`WWW-Authenticate`).
   */
  readonly schemes?: readonly string[] | undefined;
  /** Cookie names that carry macaroons start with this (default `macaroon-`, as macaroon-bakery). */
  readonly cookiePrefix?: string | undefined;
}

/**
 * No cap on candidates: the work is linear in the request's header bytes, which the server bounds.
 *
 * @example
 * ```ts
 * new Gateway({ rootKey, verifier: new Verifier(), maxTokens: Math.min(DEFAULT_MAX_TOKENS, 8) });
 * ```
 */
export const DEFAULT_MAX_TOKENS = Number.POSITIVE_INFINITY;

/**
 * The `Authorization` scheme read by default.
 *
 * @example
 * ```ts
 * new Gateway({ rootKey, verifier: new Verifier(), schemes: [...DEFAULT_SCHEMES, 'Bearer'] });
 * ```
 */
export const DEFAULT_SCHEMES: readonly string[] = Object.freeze(['Macaroon']);

/**
 * The bundles a request carries, in order of preference: the `Authorization: Macaroon` token, then each
 * `Macaroons` header value in order, then each `macaroon-*` cookie in the order of the Cookie header.
 * Never throws: a value that cannot be read is a candidate with an `error`, which fails alone; repeated
 * values are kept once (the first); past `maxTokens` the rest are ignored. An empty list means the
 * request carries no macaroon.
 *
 * @example
 * ```ts
 * const candidates = extractTokens(request.headers);
 * // [{ source: 'authorization', value: 'AgEL…' }, { source: 'cookie', name: 'macaroon-x', value: '…' }]
 * ```
 */
export function extractTokens(headers: HeaderLookup, options: ExtractOptions = {}): TokenCandidate[] {
  const out = new Candidates(options.maxTokens ?? DEFAULT_MAX_TOKENS);

  const authorization = headers.get('authorization');
  const plain = authorization ? plainToken(authorization, options.schemes ?? DEFAULT_SCHEMES) : undefined;
  if (plain !== undefined) out.push({ source: 'authorization', value: plain });
  else if (authorization) {
    const trimmed = authorization.trim();
    const space = whitespaceFrom(trimmed, 0, true);
    // Other schemes (Bearer, Basic) belong to someone else: not ours to reject.
    if (isScheme(trimmed, space < 0 ? trimmed.length : space, options.schemes)) {
      // `trimmed` ends in no whitespace: the token is what follows the whitespace after the scheme.
      const token = space < 0 ? '' : trimmed.slice(whitespaceFrom(trimmed, space, false));
      out.push(
        token === ''
          ? unreadable('authorization', `Authorization: ${trimmed.slice(0, space)} without a token`)
          : { source: 'authorization', value: token },
      );
    }
  }

  const bakery = headers.get('macaroons');
  if (bakery) {
    // Repeated headers arrive joined with commas, which base64 and JSON-in-base64 never contain.
    for (const part of bakery.split(',')) {
      const value = part.trim();
      if (value !== '') out.push({ source: 'macaroons-header', value });
    }
  }

  const cookie = headers.get('cookie');
  if (cookie) {
    const prefix = options.cookiePrefix ?? 'macaroon-';
    for (const pair of cookie.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      if (!name.startsWith(prefix)) continue;
      const value = cookieValue(pair.slice(eq + 1).trim());
      if (value === undefined) {
        out.push({ ...unreadable('cookie', 'a macaroon cookie holds invalid percent-encoding'), name });
      } else if (value !== '') {
        out.push({ source: 'cookie', name, value });
      }
    }
  }
  return out.list;
}

/**
 * The candidates found so far: in order, each value once (the first), at most `max`. Most requests
 * carry one, held without a list; values are compared one by one until there are a few, then through a
 * set.
 */
class Candidates {
  #one: TokenCandidate | undefined;
  #list: TokenCandidate[] | undefined;
  readonly #max: number;
  #seen: Set<string> | undefined;

  constructor(max: number) {
    this.#max = max;
  }

  /** What was found, in order: a list of its own for each call. */
  get list(): TokenCandidate[] {
    if (this.#list !== undefined) return this.#list;
    return this.#one === undefined ? [] : [this.#one];
  }

  push(candidate: TokenCandidate): void {
    if (this.#one === undefined) {
      if (!(this.#max <= 0)) this.#one = candidate; // as `list.length >= max` below, for length 0
      return;
    }
    this.#list ??= [this.#one];
    const list = this.#list;
    if (list.length >= this.#max) return;
    if (candidate.error === undefined) {
      const value = candidate.value;
      if (this.#seen !== undefined) {
        if (this.#seen.has(value)) return;
        this.#seen.add(value);
      } else {
        for (const c of list) if (c.error === undefined && c.value === value) return;
        if (list.length >= 8)
          this.#seen = new Set(
            list
              .filter((c) => !c.error)
              .map((c) => c.value)
              .concat(value),
          );
      }
    }
    list.push(candidate);
  }
}

/**
 * The position, from `from`, of the first character that is (`is` true) or is not whitespace as `\s`
 * and `String.prototype.trim` understand it; -1 (is) or the length (is not) when there is none.
 */
function whitespaceFrom(s: string, from: number, is: boolean): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0xa0 && /\s/.test(s[i] as string));
    if (space === is) return i;
  }
  return is ? -1 : s.length;
}

/**
 * The token of a header written the usual way, `<scheme> <token>`: a scheme of `schemes` as given
 * (printable ASCII, same case), one space, a token with no whitespace at either end. Undefined for any
 * other header, which the general reading then takes; for these it gives the same token, sooner.
 */
function plainToken(header: string, schemes: readonly string[]): string | undefined {
  for (let k = 0; k < schemes.length; k++) {
    const scheme = schemes[k] as string;
    const n = scheme.length;
    if (header.length < n + 2 || header.charCodeAt(n) !== 0x20) continue;
    let i = 0;
    for (; i < n; i++) {
      const c = header.charCodeAt(i);
      if (c !== scheme.charCodeAt(i) || c <= 0x20 || c >= 0x7f) break;
    }
    if (i < n) continue;
    // Printable ASCII at both ends of the token (no whitespace there, as `trim` sees it).
    const first = header.charCodeAt(n + 1);
    const last = header.charCodeAt(header.length - 1);
    if (first <= 0x20 || first >= 0x7f || last <= 0x20 || last >= 0x7f) return undefined;
    return header.slice(n + 1);
  }
  return undefined;
}

/**
 * Whether `header.slice(0, end)` names one of `schemes` (default DEFAULT_SCHEMES), case-insensitively
 * as `toLowerCase` compares them (the usual case, ASCII names equal but for case, without a copy).
 */
function isScheme(header: string, end: number, schemes: readonly string[] | undefined): boolean {
  const names = schemes ?? DEFAULT_SCHEMES;
  for (let i = 0; i < names.length; i++) {
    const s = names[i] as string;
    if (end === s.length && asciiSameIgnoringCase(header, s)) return true;
  }
  // Otherwise as toLowerCase has it (a non-ASCII letter may lower-case to an ASCII one: K to k).
  const lower = header.slice(0, end).toLowerCase();
  for (let i = 0; i < names.length; i++) if ((names[i] as string).toLowerCase() === lower) return true;
  return false;
}

/** The first `name.length` characters of `text` equal `name` (ASCII) but for the case of letters. */
function asciiSameIgnoringCase(text: string, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const a = text.charCodeAt(i);
    const b = name.charCodeAt(i);
    if (a === b) continue;
    const lower = a | 0x20;
    if (lower !== (b | 0x20) || lower < 0x61 || lower > 0x7a) return false;
  }
  return true;
}

function unreadable(source: TokenSource, message: string): TokenCandidate {
  return { source, value: '', error: new DecodeError(message) };
}

/** The cookie's value, or undefined when its percent-encoding is broken. */
function cookieValue(raw: string): string | undefined {
  // RFC 6265 allows a quoted value; some clients also percent-encode base64's `+`, `/` and `=`.
  const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!unquoted.includes('%')) return unquoted;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    return undefined;
  }
}

/**
 * Decodes one bundle: the root macaroon and its discharges. Throws DecodeError or LimitExceededError.
 *
 * @example
 * ```ts
 * const [candidate] = extractTokens(request.headers);
 * if (candidate) {
 *   const { macaroon, discharges } = decodeCandidate(candidate, { maxDischarges: 4 });
 * }
 * ```
 */
export function decodeCandidate(
  candidate: TokenCandidate,
  limits?: Partial<Limits>,
): {
  /** The root macaroon. */
  macaroon: Macaroon;
  /** The discharges that came with it. */
  discharges: Macaroon[];
} {
  if (candidate.error) throw candidate.error;
  const [macaroon, ...discharges] = Macaroon.deserializeBundle(
    candidate.value,
    limits === undefined ? {} : { limits },
  );
  if (!macaroon) throw new DecodeError('empty macaroon bundle');
  return { macaroon, discharges };
}
