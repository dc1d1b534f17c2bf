/**
 * What a verification established about a token, kept by the verified-token cache and handed to the
 * handler behind a gateway: the root identifier, its root key id, the first-party caveats of every
 * macaroon the walk used (in walk order), and the values they declare. Built from the decoded
 * macaroons once their signatures are known to be valid; nothing here is recomputed per request.
 */
import { utf8DecodeStrict } from '../bytes.js';
import type { MacaroonData } from '../model.js';
import type { CaveatToCheck } from '../verifier.js';

/**
 * A first-party caveat of a verified token.
 *
 * @example
 * ```ts
 * withMacaroonAuth((req, auth) => {
 *   const account = auth.verified.caveats.find((c: VerifiedCaveat) => c.predicate?.startsWith('account = '));
 *   return new Response(account?.predicate ?? 'any account');
 * }, { gateway });
 * ```
 */
export interface VerifiedCaveat {
  /** 0 for the root macaroon, else the discharge's index in the request. */
  readonly macaroon: number;
  /** The predicate as text; undefined when it is not valid UTF-8 (see `bytes`). */
  readonly predicate: string | undefined;
  /** The predicate's bytes (a fresh copy on each access). */
  readonly bytes: Uint8Array;
}

/**
 * The verified facts of a token, for the handler behind a gateway. Immutable; byte fields are copies.
 *
 * @example
 * ```ts
 * withMacaroonAuth((request, auth) => Response.json(auth.verified.declared), { gateway });
 * ```
 */
export class VerifiedToken {
  readonly #identifier: Uint8Array;
  /** The root macaroon's identifier as text, or undefined when it is not valid UTF-8. */
  readonly identifierText: string | undefined;
  /** The id of the root key that verified the token, when a store named it. */
  readonly rootKeyId: string | undefined;
  /**
   * Values declared by `declared <key> <value>` caveats (macaroon-bakery's convention) across the
   * macaroons used; a key declared with two different values is left out.
   */
  readonly declared: Readonly<Record<string, string>>;
  /** Every first-party caveat that was checked, in the order the walk met them. */
  readonly caveats: readonly VerifiedCaveat[];

  /** @internal Built by the gateway from the verified macaroons. */
  constructor(identifier: Uint8Array, rootKeyId: string | undefined, checked: readonly CaveatToCheck[]) {
    this.#identifier = identifier;
    this.identifierText = utf8DecodeStrict(identifier);
    this.rootKeyId = rootKeyId;
    this.caveats = Object.freeze(
      checked.map((c) => {
        const bytes = c.bytes;
        return Object.freeze({
          macaroon: c.macaroon,
          predicate: c.text,
          get bytes() {
            return bytes.slice();
          },
        });
      }),
    );
    this.declared = inferDeclared(checked);
    Object.freeze(this);
  }

  /** The root macaroon's identifier (a fresh copy on each access). */
  get identifier(): Uint8Array {
    return this.#identifier.slice();
  }
}

/** macaroon-bakery's InferDeclared: `declared key value` caveats; a key with two values is dropped. */
function inferDeclared(caveats: readonly CaveatToCheck[]): Readonly<Record<string, string>> {
  const found = new Map<string, string | null>();
  for (const { text } of caveats) {
    if (text === undefined || !text.startsWith('declared ')) continue;
    const arg = text.slice('declared '.length);
    const space = arg.indexOf(' ');
    if (space <= 0) continue;
    const key = arg.slice(0, space);
    const value = arg.slice(space + 1);
    const known = found.get(key);
    if (known === undefined) found.set(key, value);
    else if (known !== value) found.set(key, null);
  }
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of found) if (v !== null) out[k] = v;
  return Object.freeze(out);
}

/**
 * The first-party caveats a successful walk checks, in the order it checks them: the engine walk's
 * order (the root, then each third-party caveat's discharge, depth first: the first discharge with that
 * identifier, each used once). Only valid for macaroons whose verification succeeded structurally.
 */
export function caveatsToCheck(macaroons: readonly MacaroonData[]): CaveatToCheck[] {
  const out: CaveatToCheck[] = [];
  const used = new Uint8Array(macaroons.length);
  const walk = (mi: number): void => {
    const m = macaroons[mi] as MacaroonData;
    for (const c of m.caveats) {
      if (c.verificationId && c.verificationId.length > 0) continue;
      out.push({ bytes: c.identifier, text: utf8DecodeStrict(c.identifier), macaroon: mi });
    }
    for (const c of m.caveats) {
      if (!c.verificationId || c.verificationId.length === 0) continue;
      const j = findDischarge(macaroons, c.identifier);
      if (j < 0 || used[j]) continue; // cannot happen after a structurally valid walk
      used[j] = 1;
      walk(j);
    }
  };
  walk(0);
  return out;
}

function findDischarge(macaroons: readonly MacaroonData[], cid: Uint8Array): number {
  for (let j = 1; j < macaroons.length; j++) {
    const id = (macaroons[j] as MacaroonData).identifier;
    if (id.length !== cid.length) continue;
    let same = true;
    for (let i = 0; i < id.length && same; i++) same = id[i] === cid[i];
    if (same) return j;
  }
  return -1;
}
