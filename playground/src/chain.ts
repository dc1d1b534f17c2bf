/**
 * The HMAC chain, step by step, computed with the library's own primitives (src/crypto/keys.ts) and
 * walked the way the verification engines walk it (src/engine/types.ts): the page shows where a chain
 * stops matching the token. The verdict itself always comes from the library's Verifier; the page's
 * tests check that this trace agrees with it.
 */

import { utf8DecodeStrict } from '../../src/bytes.js';
import { bindSignature, deriveKey, hash2, hmacSha256, openVerificationId } from '../../src/crypto/keys.js';
import type { Macaroon, NotAuthorizedReason } from '../../src/index.js';

export type StepKind = 'derive' | 'identifier' | 'first-party' | 'third-party' | 'bind';

export interface Step {
  readonly kind: StepKind;
  /** What was computed, e.g. `HMAC(signature, predicate)`. */
  readonly formula: string;
  /** The running signature after this step (the derived key for 'derive'). */
  readonly value: Uint8Array;
  /** For caveat steps: the caveat's index in its macaroon. */
  readonly caveat?: number;
  /** First-party caveats: whether the verifier's checks satisfy it. */
  readonly satisfied?: boolean;
  /** Third-party caveats: whether the verification id opened with the signature before this step. */
  readonly opened?: boolean;
  /** Third-party caveats: the discharge (index in the list, the root being 0) used for it. */
  readonly discharge?: number;
}

export interface MacaroonTrace {
  /** Index in the list: 0 for the root, then the discharges as given. */
  readonly index: number;
  /** For a discharge: the macaroon and caveat it discharges. */
  readonly dischargeOf?: { readonly macaroon: number; readonly caveat: number };
  readonly steps: readonly Step[];
  /** The signature the chain ends with (bound, for a discharge). */
  readonly computed: Uint8Array;
  readonly claimed: Uint8Array;
  readonly matches: boolean;
  /** Why it does not match, where the trace can tell. */
  readonly hints: readonly string[];
}

/** The trace names a failure as the verifier's NotAuthorizedError does. */
export type FailureReason = NotAuthorizedReason;

export interface Failure {
  readonly reason: FailureReason;
  readonly macaroon: number;
  /** The caveat concerned, or -1. */
  readonly caveat: number;
}

export interface Trace {
  /** The macaroons walked, in walk order (the root first). */
  readonly walked: readonly MacaroonTrace[];
  /** Discharges no caveat used. */
  readonly unused: readonly number[];
  readonly failure?: Failure;
}

export interface TraceOptions {
  /** The test of one first-party predicate, given every first-party condition of the macaroons walked. */
  readonly satisfiesFor: (slice: readonly string[]) => (predicate: Uint8Array) => boolean;
  readonly allowUnusedDischarges: boolean;
  readonly maxDischargeDepth: number;
  /** The root key read in other encodings, to say when one of them would have matched. */
  readonly alternativeKeys?: readonly { readonly name: string; readonly key: Uint8Array }[];
}

function caveatBytes(m: Macaroon, s: Step): Uint8Array {
  return (m.caveats[s.caveat as number] as { identifier: Uint8Array }).identifier;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Walks `macaroons` (root first) from `rootKey`, as the engines do, recording every step. */
export function traceChain(
  macaroons: readonly Macaroon[],
  rootKey: Uint8Array,
  options: TraceOptions,
): Trace {
  const root = macaroons[0] as Macaroon;
  const used = macaroons.map(() => false);
  const walked: MacaroonTrace[] = [];
  let structural: Failure | undefined;
  let mismatch: number | undefined;
  const record = (reason: FailureReason, macaroon: number, caveat: number) => {
    structural ??= { reason, macaroon, caveat };
  };
  const rootSignature = root.signature;

  const walk = (mi: number, key: Uint8Array, depth: number, dischargeOf?: MacaroonTrace['dischargeOf']) => {
    const m = macaroons[mi] as Macaroon;
    const steps: Step[] = [];
    const slot = walked.length;
    walked.push(undefined as unknown as MacaroonTrace); // keeps walk order: this macaroon before its discharges
    let sig = hmacSha256(key, m.identifier);
    steps.push({
      kind: 'identifier',
      formula: `HMAC(${mi === 0 ? 'derived root key' : 'caveat key'}, identifier)`,
      value: sig,
    });
    m.caveats.forEach((c, ci) => {
      const vid = c.verificationId;
      if (!vid) {
        sig = hmacSha256(sig, c.identifier);
        // `satisfied` is filled in once the walk knows every macaroon it verifies.
        steps.push({ kind: 'first-party', formula: 'HMAC(signature, predicate)', value: sig, caveat: ci });
        return;
      }
      const caveatKey = openVerificationId(sig, vid);
      if (!caveatKey) record('decryption-failed', mi, ci);
      let j = -1;
      for (let k = 1; k < macaroons.length; k++) {
        if (equal((macaroons[k] as Macaroon).identifier, c.identifier)) {
          j = k;
          break;
        }
      }
      let discharge: number | undefined;
      if (j < 0) record('discharge-missing', mi, ci);
      else if (used[j]) record('discharge-reused', mi, ci);
      else {
        used[j] = true;
        discharge = j;
        if (depth + 1 > options.maxDischargeDepth) record('depth-exceeded', mi, ci);
        else if (caveatKey) walk(j, caveatKey, depth + 1, { macaroon: mi, caveat: ci });
      }
      sig = hash2(sig, vid, c.identifier);
      steps.push({
        kind: 'third-party',
        formula: 'HMAC(signature, HMAC(signature, vid) ‖ HMAC(signature, cid))',
        value: sig,
        caveat: ci,
        opened: caveatKey !== undefined,
        ...(discharge === undefined ? {} : { discharge }),
      });
    });
    const unbound = sig;
    if (mi !== 0) {
      sig = bindSignature(rootSignature, sig);
      steps.push({
        kind: 'bind',
        formula: 'HMAC(0, HMAC(0, root signature) ‖ HMAC(0, signature))',
        value: sig,
      });
    }
    const all: Step[] =
      mi === 0
        ? [{ kind: 'derive', formula: 'HMAC("macaroons-key-generator", root key)', value: key }, ...steps]
        : steps;
    const claimed = m.signature;
    const matches = equal(sig, claimed);
    if (!matches) mismatch ??= mi; // as in the engines: the first macaroon whose walk ends without a match
    const hints: string[] = [];
    if (!matches) {
      if (mi !== 0 && equal(unbound, claimed)) {
        hints.push(
          'This discharge is not bound to the root: its signature is the unbound chain. Bind it before sending (prepareForRequest).',
        );
      }
      all.forEach((s, k) => {
        if (k < all.length - 1 && s.kind !== 'derive' && equal(s.value, claimed)) {
          hints.push(
            `The token's signature is the chain's value after step ${k + 1}: what follows was added without updating the signature.`,
          );
        }
      });
      if (mi === 0) {
        for (const alt of options.alternativeKeys ?? []) {
          const other = chainSignature(root, deriveKey(alt.key));
          if (equal(other, claimed)) {
            hints.push(
              `The signature matches with the root key read as ${alt.name}: check the key encoding.`,
            );
          }
        }
      }
    }
    walked[slot] = {
      index: mi,
      ...(dischargeOf ? { dischargeOf } : {}),
      steps: all,
      computed: sig,
      claimed,
      matches,
      hints,
    };
  };

  walk(0, deriveKey(rootKey), 0);
  const slice: string[] = [];
  for (const t of walked) {
    for (const c of (macaroons[t.index] as Macaroon).caveats) {
      const text = c.verificationId ? undefined : utf8DecodeStrict(c.identifier);
      if (text !== undefined) slice.push(text);
    }
  }
  const satisfies = options.satisfiesFor(slice);
  for (const t of walked) {
    for (const s of t.steps as Step[]) {
      if (s.kind === 'first-party')
        (s as { satisfied?: boolean }).satisfied = satisfies(caveatBytes(macaroons[t.index] as Macaroon, s));
    }
  }
  const unused: number[] = [];
  for (let j = 1; j < macaroons.length; j++) if (!used[j]) unused.push(j);
  if (!options.allowUnusedDischarges && unused.length > 0)
    record('discharge-unused', unused[0] as number, -1);
  let failure: Failure | undefined = structural;
  if (!failure) {
    if (mismatch !== undefined) failure = { reason: 'signature-mismatch', macaroon: mismatch, caveat: -1 };
  }
  if (!failure) {
    for (const t of walked) {
      const step = t.steps.find((s) => s.kind === 'first-party' && !s.satisfied);
      if (step) {
        failure = { reason: 'caveat-not-satisfied', macaroon: t.index, caveat: step.caveat as number };
        break;
      }
    }
  }
  return { walked, unused, ...(failure ? { failure } : {}) };
}

/** The signature of a macaroon's chain from a derived key, third-party caveats included, unbound. */
function chainSignature(m: Macaroon, derivedKey: Uint8Array): Uint8Array {
  let sig = hmacSha256(derivedKey, m.identifier);
  for (const c of m.caveats) {
    sig = c.verificationId ? hash2(sig, c.verificationId, c.identifier) : hmacSha256(sig, c.identifier);
  }
  return sig;
}
