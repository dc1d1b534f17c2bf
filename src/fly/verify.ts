/**
 * Verification as superfly/macaroon does it (Macaroon.verify, CaveatSet.Validate), then the header-level
 * flow (parse the FlyV1 header, select the permission token and its key, verify, validate) with the
 * stage each failure belongs to.
 */
import { constantTimeEqual } from '../bytes.js';
import { InvalidArgumentError, LimitExceededError, MacaroonError } from '../errors.js';
import { type Limits, resolveLimits } from '../limits.js';
import {
  type CheckedAccess,
  checkedAccess,
  checkedDischargeRequest,
  type FlyAccess,
  type FlyDenial,
  type FlyDischargeRequest,
  validateAccess,
} from './access.js';
import { FlyCaveatRegistry } from './caveats/registry.js';
import { CaveatIds, prohibitsEntry, type ThirdPartyValue } from './caveats/standard.js';
import type { FlyCaveat, FlyCaveatEntry } from './caveats/types.js';
import { finalizeProof, hmac, sha256, unseal } from './crypto.js';
import { FlyNotAuthorizedError } from './errors.js';
import { FlyMacaroon, MAX_NESTING } from './macaroon.js';
import { MsgpackReader } from './msgpack.js';
import { splitFlyHeader } from './text.js';

/** Third-party keys by location: discharges they open are trusted, so their attestations are returned. */
export type FlyTrustedThirdParties =
  | Readonly<Record<string, readonly Uint8Array[]>>
  | ReadonlyMap<string, readonly Uint8Array[]>;

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

/**
 * Macaroon.Verify: the clearable caveats of `token` and of the discharges used, or a
 * FlyNotAuthorizedError. Discharges are matched by ticket (their kid); unused ones are ignored.
 *
 * @example
 * ```ts
 * const caveats = verifyFlySignature(FlyMacaroon.decode(t), rootKey, [FlyMacaroon.decode(d)]);
 * ```
 */
export function verifyFlySignature(
  token: FlyMacaroon,
  key: Uint8Array,
  discharges: readonly FlyMacaroon[] = [],
  trusted3Ps?: FlyTrustedThirdParties,
): FlyCaveatEntry[] {
  if (!(key instanceof Uint8Array)) throw new InvalidArgumentError('key must be a Uint8Array');
  return verifyChain(token, key, discharges, undefined, true, trusted3Ps);
}

function verifyChain(
  m: FlyMacaroon,
  key: Uint8Array,
  dms: readonly FlyMacaroon[],
  parentBindingIds: (() => readonly Uint8Array[]) | undefined,
  trustAttestations: boolean,
  trusted3Ps: FlyTrustedThirdParties | undefined,
): FlyCaveatEntry[] {
  if (m.unfinalized) throw new FlyNotAuthorizedError('unfinalized-proof', "can't verify unfinalized proof");
  const isProof = m.isProof;
  let mac = hmac(key, m.nonceBytes());
  const out: FlyCaveatEntry[] = [];
  const pending: { candidates: FlyMacaroon[]; key: Uint8Array }[] = [];
  // Chain values, hashed into binding ids only if a discharge carries BindToParentToken.
  const chain = [mac];
  for (const c of m.entries) {
    if (c.id === CaveatIds.ThirdParty && c.type) {
      const v = c.value as ThirdPartyValue;
      const ticket = v.ticket ?? new Uint8Array(0);
      const candidates = dms.filter((d) => bytesSame(d.kid, ticket));
      if (candidates.length === 0)
        throw new FlyNotAuthorizedError('discharge-missing', 'no matching discharge token');
      const dischargeKey = v.verifierKey === null ? undefined : unseal(mac, v.verifierKey);
      if (dischargeKey === undefined) {
        throw new FlyNotAuthorizedError(
          'decryption-failed',
          'unseal VerifierKey for third-party caveat failed',
        );
      }
      pending.push({ candidates, key: dischargeKey });
    } else if (c.id === CaveatIds.BindToParentToken && c.type) {
      const prefix = (c.value as Uint8Array | null) ?? new Uint8Array(0);
      const found = (parentBindingIds?.() ?? []).some((id) => startsWith(id, prefix));
      if (!found)
        throw new FlyNotAuthorizedError(
          'discharge-bound-elsewhere',
          'discharge bound to different parent token',
        );
    } else {
      const attestation = c.type?.attestation === true;
      if (attestation && !isProof)
        throw new FlyNotAuthorizedError('attestation-not-allowed', 'attestation in non-proof macaroon');
      if (!attestation || trustAttestations) out.push(c);
    }
    mac = hmac(mac, m.caveatBytes(c));
    chain.push(mac);
  }
  let ids: Uint8Array[] | undefined;
  const bindingIds = (): readonly Uint8Array[] => {
    ids ??= chain.map(sha256);
    return ids;
  };
  for (const p of pending) {
    const causes: FlyNotAuthorizedError[] = [];
    let done = false;
    for (const d of p.candidates) {
      let trusted = false;
      let rejected = false;
      for (const ka of trustedKeys(trusted3Ps, d.location)) {
        const plain = unseal(ka, d.kid);
        if (plain === undefined) continue;
        const k = ticketKey(plain);
        if (k === undefined) {
          causes.push(new FlyNotAuthorizedError('discharge-invalid', 'bad ticket in discharge'));
          rejected = true;
          break;
        }
        if (!constantTimeEqual(k, p.key)) {
          causes.push(
            new FlyNotAuthorizedError('discharge-invalid', 'discharge key from ticket/VerifierKey mismatch'),
          );
          rejected = true;
          break;
        }
        trusted = true;
        break;
      }
      if (rejected) continue;
      try {
        // Discharges of discharges are not supported upstream ("don't let them nest yet").
        out.push(...verifyChain(d, p.key, [], bindingIds, trustAttestations && trusted, trusted3Ps));
        done = true;
        break;
      } catch (e) {
        if (!(e instanceof FlyNotAuthorizedError)) throw e;
        causes.push(e);
      }
    }
    if (!done) {
      const first = causes[0];
      throw new FlyNotAuthorizedError(
        'discharge-invalid',
        `verify discharge: ${causes.map((c) => c.message).join('; ')}`,
        { causes, denials: first?.denials ?? [] },
      );
    }
  }
  if (isProof) mac = finalizeProof(mac);
  if (!constantTimeEqual(mac, m.rawTail))
    throw new FlyNotAuthorizedError('signature-mismatch', 'macaroon verify: invalid');
  return out;
}

function bytesSame(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && constantTimeEqual(a, b);
}

function startsWith(id: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > id.length) return false;
  for (let i = 0; i < prefix.length; i++) if (id[i] !== prefix[i]) return false;
  return true;
}

/**
 * CaveatSet.Validate: every denial for these accesses (empty: allowed). Each access is first checked on
 * its own (flyio.Access.Validate); attestations are skipped.
 *
 * @example
 * ```ts
 * validateFlyCaveats(token.entries, { action: 'r', orgid: 7, appid: 9 }); // [] when allowed
 * ```
 */
export function validateFlyCaveats(
  caveats: readonly FlyCaveatEntry[],
  access: FlyAccess | readonly FlyAccess[],
  now: Date | number = Date.now(),
): FlyDenial[] {
  const at = Number(now);
  const list = Array.isArray(access) ? access : [access as FlyAccess];
  return validateChecked(
    caveats,
    list.map((a) => checkedAccess(a, at)),
  );
}

/**
 * For a third party: the denials of a ticket's caveats (ConfineUser, ConfineOrganization, ConfineGoogleHD,
 * ConfineGitHubOrg, MaxValidity…) for the logins it has checked.
 *
 * @example
 * ```ts
 * const denials = validateTicketCaveats(opened.entries, { flyio: [{ userId: 5, organizationIds: [7] }] });
 * ```
 */
export function validateTicketCaveats(
  caveats: readonly FlyCaveatEntry[],
  request: FlyDischargeRequest,
  now: Date | number = Date.now(),
): FlyDenial[] {
  return validateChecked(caveats, [checkedDischargeRequest(request, Number(now))]);
}

function validateChecked(
  caveats: readonly FlyCaveatEntry[],
  accesses: readonly CheckedAccess[],
): FlyDenial[] {
  const out: FlyDenial[] = [];
  for (const a of accesses) {
    const own = validateAccess(a);
    if (own.length > 0) {
      out.push(...own);
      continue;
    }
    for (const c of caveats) if (c.type?.attestation !== true) out.push(...prohibitsEntry(c, a));
  }
  return out;
}

/** Where a header verification stopped. */
export type FlyStage = 'parse' | 'select' | 'decode' | 'verify' | 'validate';

/** The result of verifyFly. */
export type FlyVerifyResult =
  | {
      readonly ok: true;
      /** The verified caveats (of the token and the discharges used), in superfly's JSON form. */
      readonly caveats: FlyCaveat[];
      /** The same, as decoded entries (for validateFlyCaveats with other accesses). */
      readonly entries: readonly FlyCaveatEntry[];
      readonly token: FlyMacaroon;
    }
  | { readonly ok: false; readonly stage: FlyStage; readonly error: MacaroonError };

/** Options of verifyFly. */
export interface FlyVerifyOptions {
  /** Root key for a key id (the permission token's kid); undefined when unknown. */
  readonly keys: Uint8Array | ((kid: Uint8Array) => Uint8Array | undefined);
  /** The request, in superfly's JSON form; several accesses must all be allowed. */
  readonly access: FlyAccess | readonly FlyAccess[];
  /** The time the validity windows are checked against (default: now). */
  readonly now?: Date | number | undefined;
  /** Third-party keys by location, to trust their discharges' attestations. */
  readonly trusted3Ps?: FlyTrustedThirdParties | undefined;
  /** The permission token's location (default Fly's `https://api.fly.io/v1`). */
  readonly location?: string | undefined;
  readonly registry?: FlyCaveatRegistry | undefined;
  readonly limits?: Partial<Limits> | undefined;
}

/**
 * The location of Fly.io's permission tokens (flyio.LocationPermission), verifyFly's default.
 *
 * @example
 * ```ts
 * verifyFly(header, { keys, access, location: FLY_PERMISSION_LOCATION });
 * ```
 */
export const FLY_PERMISSION_LOCATION = 'https://api.fly.io/v1';

/**
 * Verifies an `Authorization: FlyV1 …` header (or the bare token list) for one request, as a Fly service
 * does: parse, select the permission token (the one at `location`; all others are discharges), look up
 * its key by kid, verify the chain and discharges, validate the caveats against the access. Never
 * throws for bad input: the result names the stage and carries a typed error.
 *
 * @example
 * ```ts
 * const r = verifyFly(req.headers.get('authorization') ?? '', {
 *   keys: (kid) => rootKeys.get(hex(kid)),
 *   access: { action: 'r', orgid: 7, appid: 9 },
 * });
 * if (!r.ok) return new Response(r.stage === 'parse' ? 'bad token' : 'forbidden', { status: r.stage === 'parse' ? 400 : 403 });
 * ```
 */
export function verifyFly(header: string, options: FlyVerifyOptions): FlyVerifyResult {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options are required');
  const limits = resolveLimits(options.limits);
  const registry = options.registry ?? FlyCaveatRegistry.standard();
  const location = options.location ?? FLY_PERMISSION_LOCATION;
  let raws: Uint8Array[];
  try {
    raws = splitFlyHeader(header, limits.maxDischarges + 1, limits.maxTokenBytes * 2);
  } catch (error) {
    return fail('parse', error);
  }
  const tokens: FlyMacaroon[] = [];
  for (const raw of raws) {
    try {
      tokens.push(FlyMacaroon.fromBytes(raw, registry, limits));
    } catch (error) {
      // superfly skips tokens it cannot decode; a token over the limits fails the whole header.
      if (error instanceof LimitExceededError) return fail('decode', error);
      if (!(error instanceof MacaroonError)) throw error;
    }
  }
  const permission = tokens.filter((t) => t.location === location);
  const discharges = tokens.filter((t) => t.location !== location);
  if (permission.length === 0) {
    return fail('select', new FlyNotAuthorizedError('no-permission-token', 'no permission token'));
  }
  if (permission.length > 1) {
    return fail(
      'select',
      new FlyNotAuthorizedError('multiple-permission-tokens', 'multiple permission tokens'),
    );
  }
  const token = permission[0] as FlyMacaroon;
  let key: Uint8Array | undefined;
  try {
    key = options.keys instanceof Uint8Array ? options.keys : options.keys(token.kid);
  } catch (error) {
    return fail('select', error);
  }
  if (!(key instanceof Uint8Array)) {
    return fail('select', new FlyNotAuthorizedError('unknown-key', 'no root key for this token'));
  }
  let caveats: FlyCaveatEntry[];
  try {
    caveats = verifyFlySignature(token, key, discharges, options.trusted3Ps);
  } catch (error) {
    return fail('verify', error);
  }
  let denials: FlyDenial[];
  try {
    denials = validateFlyCaveats(caveats, options.access, options.now ?? Date.now());
  } catch (error) {
    return fail('validate', error);
  }
  if (denials.length > 0) {
    return fail(
      'validate',
      new FlyNotAuthorizedError('denied', denials.map((d) => d.message).join('; '), { denials }),
    );
  }
  let json: FlyCaveat[] | undefined;
  return {
    ok: true,
    get caveats() {
      json ??= registry.toJSON(caveats);
      return json;
    },
    entries: caveats,
    token,
  };
}

function fail(stage: FlyStage, error: unknown): FlyVerifyResult {
  if (error instanceof MacaroonError) return { ok: false, stage, error };
  throw error;
}

/**
 * Parses a FlyV1 header (or comma-separated tokens) into tokens; `fo1_` OAuth tokens are skipped, and a
 * token that does not decode is an error here (verifyFly skips those, as superfly does).
 *
 * @example
 * ```ts
 * const [token, ...discharges] = parseFlyHeader('FlyV1 fm2_…,fm2_…');
 * ```
 */
export function parseFlyHeader(
  header: string,
  options: { registry?: FlyCaveatRegistry | undefined; limits?: Partial<Limits> | undefined } = {},
): FlyMacaroon[] {
  const limits = resolveLimits(options.limits);
  const registry = options.registry ?? FlyCaveatRegistry.standard();
  return splitFlyHeader(header, limits.maxDischarges + 1, limits.maxTokenBytes * 2).map((raw) =>
    FlyMacaroon.fromBytes(raw, registry, limits),
  );
}

/**
 * `FlyV1 tok1,tok2,…` (ToAuthorizationHeader).
 *
 * @example
 * ```ts
 * fetch(url, { headers: { authorization: toFlyHeader([token, discharge]) } });
 * ```
 */
export function toFlyHeader(tokens: readonly (FlyMacaroon | string)[]): string {
  return `FlyV1 ${tokens.map((t) => (typeof t === 'string' ? t : t.encode())).join(',')}`;
}
