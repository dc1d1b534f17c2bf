/**
 * Macaroon.Verify (superfly/macaroon) for many tokens at once, with every HMAC chain computed by the
 * engine's batched chain entry (Engine.hmacChains: the WASM engine's, four chains per compression on the
 * SIMD build; the TS engine's otherwise). What superfly does between chain values stays here: opening a
 * third party's verifier key (ChaCha20-Poly1305), matching discharges by ticket, trusted third parties,
 * BindToParentToken, attestations, proof finalization and the constant-time tail comparison.
 *
 * A discharge's chain starts from a key sealed under its parent's chain, so the chains run in rounds,
 * each one engine call for the whole batch: the permission tokens' chains (every value kept when the
 * token has third-party caveats), then the discharges' (and the permission proofs' finalization), then
 * the discharge proofs' finalization. Every check runs in superfly's order on the values the rounds
 * computed, so each verdict is the one the one-token verification gives.
 */
import { constantTimeEqual } from '../bytes.js';
import { tsEngine } from '../engine/ts.js';
import type { Engine, HmacChain } from '../engine/types.js';
import { CaveatIds, type ThirdPartyValue } from './caveats/standard.js';
import type { FlyCaveatEntry } from './caveats/types.js';
import { sha256, unseal } from './crypto.js';
import { FlyNotAuthorizedError } from './errors.js';
import type { FlyMacaroon } from './macaroon.js';
import { MAX_NESTING } from './macaroon.js';
import { MsgpackReader } from './msgpack.js';

/**
 * Third-party keys by location: discharges they open are trusted, so their attestations are returned.
 *
 * @example
 * ```ts
 * const authKey = crypto.getRandomValues(new Uint8Array(32)); // shared with the third party
 * const trusted3Ps: FlyTrustedThirdParties = { 'https://auth.example/': [authKey] };
 * verifyFly(`FlyV1 ${token}`, { keys: rootKey, access: { action: 'r', orgid: 7 }, trusted3Ps });
 * ```
 */
export type FlyTrustedThirdParties =
  | Readonly<Record<string, readonly Uint8Array[]>>
  | ReadonlyMap<string, readonly Uint8Array[]>;

/** One permission token to verify, with its root key and the header's other tokens. */
export interface FlySignatureJob {
  readonly token: FlyMacaroon;
  readonly key: Uint8Array;
  readonly discharges: readonly FlyMacaroon[];
  readonly trusted3Ps?: FlyTrustedThirdParties | undefined;
}

const FINALIZATION_KEY = new TextEncoder().encode('proof-signature-finalization');

function trustedKeys(trusted: FlyTrustedThirdParties | undefined, location: string): readonly Uint8Array[] {
  if (trusted === undefined) return [];
  if (trusted instanceof Map) return trusted.get(location) ?? [];
  const rec = trusted as Readonly<Record<string, readonly Uint8Array[]>>;
  return Object.hasOwn(rec, location) ? (rec[location] ?? []) : [];
}

function ticketKey(plain: Uint8Array): Uint8Array | undefined {
  try {
    const r = new MsgpackReader(plain, { maxDepth: MAX_NESTING, maxElements: 512, maxFieldBytes: 16384 });
    if (!r.struct(2, 'ticket')) return new Uint8Array(0);
    return r.bin('discharge key') ?? new Uint8Array(0);
  } catch {
    return undefined;
  }
}

function bytesSame(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && constantTimeEqual(a, b);
}

function startsWith(id: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > id.length) return false;
  for (let i = 0; i < prefix.length; i++) if (id[i] !== prefix[i]) return false;
  return true;
}

/** The chain requests of one round, and where each one's tags go. */
class Round {
  readonly chains: HmacChain[] = [];
  readonly sinks: ((tags: Uint8Array) => void)[] = [];

  add(chain: HmacChain, sink: (tags: Uint8Array) => void): void {
    this.chains.push(chain);
    this.sinks.push(sink);
  }

  run(engine: Engine): void {
    if (this.chains.length === 0) return;
    const run = engine.hmacChains ?? (tsEngine.hmacChains as NonNullable<Engine['hmacChains']>);
    const tags = run.call(engine, this.chains);
    for (let i = 0; i < tags.length; i++) (this.sinks[i] as (t: Uint8Array) => void)(tags[i] as Uint8Array);
  }
}

/** One token's verification (a permission token or a discharge candidate). */
class Check {
  error: FlyNotAuthorizedError | undefined;
  readonly out: FlyCaveatEntry[] = [];
  /** Per third-party caveat: its candidate discharges, or why each was refused before its chain. */
  readonly pending: (Check | FlyNotAuthorizedError)[][] = [];
  /** The chain's values (every one when kept, else the last). */
  values: Uint8Array | undefined;
  /** The tail to compare: the chain's last value, finalized for a proof. */
  tail: Uint8Array | undefined;
  #bindingIds: Uint8Array[] | undefined;

  constructor(
    readonly m: FlyMacaroon,
    readonly key: Uint8Array,
    readonly parent: Check | undefined,
    readonly trustAttestations: boolean,
  ) {
    if (m.unfinalized)
      this.error = new FlyNotAuthorizedError('unfinalized-proof', "can't verify unfinalized proof");
  }

  /** SHA-256 of each value of this (parent) chain: what BindToParentToken prefixes match. */
  bindingIds(): readonly Uint8Array[] {
    if (this.#bindingIds) return this.#bindingIds;
    const v = this.values as Uint8Array;
    const ids: Uint8Array[] = [];
    for (let at = 0; at < v.length; at += 32) ids.push(sha256(v.subarray(at, at + 32)));
    this.#bindingIds = ids;
    return ids;
  }

  /** Queues the chain; `keepAll` when its values key third-party caveats or bind discharges. */
  request(round: Round, finalRound: Round): void {
    if (this.error) return;
    const keepAll =
      this.parent === undefined && this.m.entries.some((c) => c.id === CaveatIds.ThirdParty && c.type);
    round.add({ key: this.key, messages: this.m.chainMessages(), keepAll }, (tags) => {
      this.values = tags;
      const last = tags.subarray(tags.length - 32);
      if (!this.m.isProof) this.tail = last;
      else finalRound.add({ key: FINALIZATION_KEY, messages: [last] }, (t) => (this.tail = t));
    });
  }

  /**
   * The caveats in order, as superfly's verify loop walks them (needs the chain's values only for a
   * permission token's third-party caveats). `discharges`: the header's other tokens (none for a
   * discharge: discharges of discharges are not supported upstream).
   */
  walk(discharges: readonly FlyMacaroon[], trusted3Ps: FlyTrustedThirdParties | undefined): void {
    if (this.error) return;
    const m = this.m;
    const isProof = m.isProof;
    const entries = m.entries;
    for (let i = 0; i < entries.length; i++) {
      const c = entries[i] as FlyCaveatEntry;
      if (c.id === CaveatIds.ThirdParty && c.type) {
        const v = c.value as ThirdPartyValue;
        const ticket = v.ticket ?? new Uint8Array(0);
        const candidates = discharges.filter((d) => bytesSame(d.kid, ticket));
        if (candidates.length === 0) {
          this.error = new FlyNotAuthorizedError('discharge-missing', 'no matching discharge token');
          return;
        }
        // The verifier key is sealed under the chain value before this caveat.
        const before = (this.values as Uint8Array).subarray(i * 32, i * 32 + 32);
        const dischargeKey = v.verifierKey === null ? undefined : unseal(before, v.verifierKey);
        if (dischargeKey === undefined) {
          this.error = new FlyNotAuthorizedError(
            'decryption-failed',
            'unseal VerifierKey for third-party caveat failed',
          );
          return;
        }
        this.pending.push(candidates.map((d) => this.#candidate(d, dischargeKey, trusted3Ps)));
      } else if (c.id === CaveatIds.BindToParentToken && c.type) {
        const prefix = (c.value as Uint8Array | null) ?? new Uint8Array(0);
        const ids = this.parent?.bindingIds() ?? [];
        if (!ids.some((id) => startsWith(id, prefix))) {
          this.error = new FlyNotAuthorizedError(
            'discharge-bound-elsewhere',
            'discharge bound to different parent token',
          );
          return;
        }
      } else {
        const attestation = c.type?.attestation === true;
        if (attestation && !isProof) {
          this.error = new FlyNotAuthorizedError(
            'attestation-not-allowed',
            'attestation in non-proof macaroon',
          );
          return;
        }
        if (!attestation || this.trustAttestations) this.out.push(c);
      }
    }
  }

  #candidate(
    d: FlyMacaroon,
    key: Uint8Array,
    trusted3Ps: FlyTrustedThirdParties | undefined,
  ): Check | FlyNotAuthorizedError {
    let trusted = false;
    for (const ka of trustedKeys(trusted3Ps, d.location)) {
      const plain = unseal(ka, d.kid);
      if (plain === undefined) continue;
      const k = ticketKey(plain);
      if (k === undefined) return new FlyNotAuthorizedError('discharge-invalid', 'bad ticket in discharge');
      if (!constantTimeEqual(k, key)) {
        return new FlyNotAuthorizedError(
          'discharge-invalid',
          'discharge key from ticket/VerifierKey mismatch',
        );
      }
      trusted = true;
      break;
    }
    return new Check(d, key, this, this.trustAttestations && trusted);
  }

  /** The verified caveats, or the error superfly's verify gives, once every round has run. */
  result(): FlyCaveatEntry[] | FlyNotAuthorizedError {
    if (this.error) return this.error;
    const out = this.out.slice();
    for (const candidates of this.pending) {
      const causes: FlyNotAuthorizedError[] = [];
      let done = false;
      for (const d of candidates) {
        const r = d instanceof Check ? d.result() : d;
        if (r instanceof FlyNotAuthorizedError) {
          causes.push(r);
          continue;
        }
        out.push(...r);
        done = true;
        break;
      }
      if (!done) {
        return new FlyNotAuthorizedError(
          'discharge-invalid',
          `verify discharge: ${causes.map((c) => c.message).join('; ')}`,
          { causes, denials: causes[0]?.denials ?? [] },
        );
      }
    }
    if (!constantTimeEqual(this.tail as Uint8Array, this.m.rawTail))
      return new FlyNotAuthorizedError('signature-mismatch', 'macaroon verify: invalid');
    return out;
  }
}

/**
 * Verifies each job's chain and discharges as superfly's Macaroon.Verify does; one result per job, in
 * order: the clearable caveats (of the token and the discharges used), or the FlyNotAuthorizedError.
 */
export function verifyFlyChains(
  jobs: readonly FlySignatureJob[],
  engine: Engine,
): (FlyCaveatEntry[] | FlyNotAuthorizedError)[] {
  const roots = jobs.map((j) => new Check(j.token, j.key, undefined, true));
  const first = new Round();
  const second = new Round();
  const third = new Round();
  for (const r of roots) r.request(first, second);
  first.run(engine);
  for (let i = 0; i < roots.length; i++) {
    const job = jobs[i] as FlySignatureJob;
    const r = roots[i] as Check;
    r.walk(job.discharges, job.trusted3Ps);
    if (r.error) continue;
    for (const candidates of r.pending) {
      for (const d of candidates) {
        if (!(d instanceof Check)) continue;
        d.walk([], job.trusted3Ps);
        d.request(second, third);
      }
    }
  }
  second.run(engine);
  third.run(engine);
  return roots.map((r) => r.result());
}
