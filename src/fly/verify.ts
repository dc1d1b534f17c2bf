/**
 * Verification as superfly/macaroon does it (Macaroon.verify, CaveatSet.Validate), then the header-level
 * flow (parse the FlyV1 header, select the permission token and its key, verify, validate) with the
 * stage each failure belongs to, for one header or a batch. The HMAC chains run on the engine's batched
 * chain entry (./verify-chains.ts): the WASM engine once `ready()` has loaded it, else the TS engine.
 */
import { type EngineChoice, selectEngine } from '../engine/registry.js';
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
import { prohibitsEntry } from './caveats/standard.js';
import type { FlyCaveat, FlyCaveatEntry } from './caveats/types.js';
import { FlyNotAuthorizedError } from './errors.js';
import { FlyMacaroon } from './macaroon.js';
import { splitFlyHeader } from './text.js';
import { type FlyTrustedThirdParties, verifyFlyChains } from './verify-chains.js';

export type { FlyTrustedThirdParties } from './verify-chains.js';

/**
 * Macaroon.Verify: the clearable caveats of `token` and of the discharges used, or a
 * FlyNotAuthorizedError. Discharges are matched by ticket (their kid); unused ones are ignored.
 *
 * @example
 * ```ts
 * const [permission, ...discharges] = parseFlyHeader(`FlyV1 ${token}`);
 * if (permission) verifyFlySignature(permission, rootKey, discharges); // the caveats; throws FlyNotAuthorizedError
 * ```
 */
export function verifyFlySignature(
  token: FlyMacaroon,
  key: Uint8Array,
  discharges: readonly FlyMacaroon[] = [],
  trusted3Ps?: FlyTrustedThirdParties,
): FlyCaveatEntry[] {
  if (!(key instanceof Uint8Array)) throw new InvalidArgumentError('key must be a Uint8Array');
  const r = verifyFlyChains([{ token, key, discharges, trusted3Ps }], selectEngine('auto'))[0];
  if (r instanceof FlyNotAuthorizedError) throw r;
  return r as FlyCaveatEntry[];
}

/**
 * CaveatSet.Validate: every denial for these accesses (empty: allowed). Each access is first checked on
 * its own (flyio.Access.Validate); attestations are skipped.
 *
 * @example
 * ```ts
 * const entries = verifyFlySignature(FlyMacaroon.decode(token), rootKey);
 * validateFlyCaveats(entries, { action: 'r', orgid: 7, appid: 9 }); // [] when allowed
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
 * const ticket = new Uint8Array(); // a ticket from a permission token's third-party caveat
 * const opened = FlyMacaroon.openTicket(rootKey, ticket);
 * const denials = opened && validateTicketCaveats(opened.entries, { flyio: [{ userId: 5, organizationIds: [7] }] });
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

/**
 * Where a header verification stopped.
 *
 * @example
 * ```ts
 * const r = verifyFly(`FlyV1 ${token}`, { keys: rootKey, access: { orgid: 7 } });
 * if (!r.ok) {
 *   const stage: FlyStage = r.stage;
 *   const status = stage === 'parse' || stage === 'decode' ? 400 : 401;
 * }
 * ```
 */
export type FlyStage = 'parse' | 'select' | 'decode' | 'verify' | 'validate';

/**
 * The result of verifyFly.
 *
 * @example
 * ```ts
 * const r: FlyVerifyResult = verifyFly(`FlyV1 ${token}`, { keys: rootKey, access: { orgid: 7 } });
 * if (r.ok) console.log(r.caveats); // superfly's JSON form
 * else console.warn(r.stage, r.error.code);
 * ```
 */
export type FlyVerifyResult =
  | {
      /** Authorized. */
      readonly ok: true;
      /** The verified caveats (of the token and the discharges used), in superfly's JSON form. */
      readonly caveats: FlyCaveat[];
      /** The same, as decoded entries (for validateFlyCaveats with other accesses). */
      readonly entries: readonly FlyCaveatEntry[];
      /** The permission token that authorized the request. */
      readonly token: FlyMacaroon;
    }
  | {
      /** Not authorized. */
      readonly ok: false;
      /** Where it failed: reading the header, choosing the permission token, decoding, the signatures, or the caveats. */
      readonly stage: FlyStage;
      /** Why, as a typed error (FlyNotAuthorizedError for a denial). */
      readonly error: MacaroonError;
    };

/**
 * Options of verifyFly.
 *
 * @example
 * ```ts
 * const options: FlyVerifyOptions = { keys: rootKey, access: [{ action: 'r', orgid: 7 }, { action: 'r', appid: 9 }], now: new Date() };
 * verifyFly(`FlyV1 ${token}`, options);
 * ```
 */
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
  /** The caveat types to read (default: superfly's standard ones). */
  readonly registry?: FlyCaveatRegistry | undefined;
  /** Size and count limits (the library's usual ones; see SECURITY.md). */
  readonly limits?: Partial<Limits> | undefined;
  /**
   * Which engine computes the HMAC chains: 'auto' (default: WASM once `ready()` has loaded it, else
   * TS), 'wasm' or 'js'. Verdicts are the same on every engine.
   */
  readonly engine?: EngineChoice | undefined;
}

/**
 * The location of Fly.io's permission tokens (flyio.LocationPermission), verifyFly's default.
 *
 * @example
 * ```ts
 * verifyFly(`FlyV1 ${token}`, { keys: rootKey, access: { orgid: 7 }, location: FLY_PERMISSION_LOCATION });
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
 * const rootKeys = new Map<string, Uint8Array>(); // by key id
 * const r = verifyFly(request.headers.get('authorization') ?? '', {
 *   keys: (kid) => rootKeys.get(new TextDecoder().decode(kid)),
 *   access: { action: 'r', orgid: 7, appid: 9 },
 * });
 * const response = r.ok ? new Response('ok') : new Response(r.stage === 'parse' ? 'bad token' : 'forbidden', { status: r.stage === 'parse' ? 400 : 403 });
 * ```
 */
export function verifyFly(header: string, options: FlyVerifyOptions): FlyVerifyResult {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options are required');
  return verifyHeaders(
    [header],
    () => options.access,
    () => options.now,
    options,
  )[0] as FlyVerifyResult;
}

/**
 * One request of a batch: its header, and its own access and clock (else the batch options').
 *
 * @example
 * ```ts
 * const requests: FlyBatchRequest[] = [`FlyV1 ${token}`, { header: `FlyV1 ${token}`, access: { action: 'w', orgid: 7 } }];
 * verifyFlyBatch(requests, { keys: rootKey, access: { action: 'r', orgid: 7 } });
 * ```
 */
export type FlyBatchRequest =
  | string
  | {
      /** The `Authorization` header (or the tokens alone, comma-separated). */
      readonly header: string;
      /** This request's access (default: the options' `access`). */
      readonly access?: FlyAccess | readonly FlyAccess[] | undefined;
      /** This request's clock (default: the options' `now`, else now). */
      readonly now?: Date | number | undefined;
    };

/**
 * Options of verifyFlyBatch: verifyFly's, with `access` and `now` the defaults of requests without.
 *
 * @example
 * ```ts
 * const rootKeys = new Map<string, Uint8Array>(); // by key id
 * const options: FlyBatchOptions = { keys: (kid) => rootKeys.get(new TextDecoder().decode(kid)), access: { action: 'r', orgid: 7 } };
 * ```
 */
export interface FlyBatchOptions extends Omit<FlyVerifyOptions, 'access'> {
  /** The access of requests that do not give their own. */
  readonly access?: FlyAccess | readonly FlyAccess[] | undefined;
}

/**
 * Verifies many requests' FlyV1 headers at once, as a gateway does with the requests it has queued: one
 * result per request, in order, each exactly what verifyFly gives for it alone. Parsing, key lookup,
 * decoding, third-party keys and caveat validation run per request; the HMAC chains of every token and
 * discharge of the batch run together on the engine's batched chain entry (on the WASM engine's SIMD
 * build, four chains per SHA-256 compression): two or three engine calls for the whole batch.
 *
 * @example
 * ```ts
 * import { ready } from 'macaroon-engine';
 * import { verifyFlyBatch } from 'macaroon-engine/fly';
 * await ready(); // the WASM engine; without it the chains run on the TS engine
 * // Requests waiting for an answer: their Authorization header, the app they ask for, and their reply.
 * const queued: { authorization: string; appId: number; resolve: (status: number) => void }[] = [];
 * const rootKeys = new Map<string, Uint8Array>(); // by key id
 * const results = verifyFlyBatch(
 *   queued.map((q) => ({ header: q.authorization, access: { action: 'r', orgid: 7, appid: q.appId } })),
 *   { keys: (kid) => rootKeys.get(new TextDecoder().decode(kid)) },
 * );
 * results.forEach((r, i) => queued[i]?.resolve(r.ok ? 200 : 403));
 * ```
 */
export function verifyFlyBatch(
  requests: readonly FlyBatchRequest[],
  options: FlyBatchOptions,
): FlyVerifyResult[] {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options are required');
  if (!Array.isArray(requests)) throw new InvalidArgumentError('requests must be an array');
  const own = (r: FlyBatchRequest | undefined) => (typeof r === 'object' && r !== null ? r : undefined);
  return verifyHeaders(
    requests.map((r) => (typeof r === 'object' && r !== null ? r.header : r)),
    (i) => own(requests[i])?.access ?? options.access,
    (i) => own(requests[i])?.now ?? options.now,
    options,
  );
}

/** @internal Options as verification uses them (the engine is chosen at each call). */
export interface ResolvedFlyOptions {
  readonly limits: Limits;
  readonly registry: FlyCaveatRegistry;
  readonly location: string;
  readonly engine: EngineChoice;
  readonly trusted3Ps: FlyTrustedThirdParties | undefined;
}

/** @internal */
export function resolveFlyOptions(options: Omit<FlyBatchOptions, 'keys'>): ResolvedFlyOptions {
  return {
    limits: resolveLimits(options.limits),
    registry: options.registry ?? FlyCaveatRegistry.standard(),
    location: options.location ?? FLY_PERMISSION_LOCATION,
    engine: options.engine ?? 'auto',
    trusted3Ps: options.trusted3Ps,
  };
}

/** @internal A header past parse, decode and select: its permission token and the other tokens. */
export interface FlySelected {
  readonly token: FlyMacaroon;
  readonly discharges: readonly FlyMacaroon[];
}

/** @internal A selected header with its root key, and the request it is verified for. */
export interface FlyKeyedRequest extends FlySelected {
  readonly key: Uint8Array;
  readonly access: FlyAccess | readonly FlyAccess[] | undefined;
  readonly now: Date | number | undefined;
}

function verifyHeaders(
  headers: readonly unknown[],
  accessOf: (i: number) => FlyAccess | readonly FlyAccess[] | undefined,
  nowOf: (i: number) => Date | number | undefined,
  options: FlyBatchOptions,
): FlyVerifyResult[] {
  const resolved = resolveFlyOptions(options);
  selectEngine(resolved.engine); // an engine that cannot be used is an error whatever the headers
  const results: FlyVerifyResult[] = new Array(headers.length);
  const keyed: FlyKeyedRequest[] = [];
  const indexes: number[] = [];
  for (let i = 0; i < headers.length; i++) {
    const s = selectFlyTokens(headers[i] as string, resolved);
    if ('ok' in s) {
      results[i] = s;
      continue;
    }
    const key = lookupKey(options.keys, s.token);
    if (!(key instanceof Uint8Array)) {
      results[i] = key;
      continue;
    }
    keyed.push({ ...s, key, access: accessOf(i), now: nowOf(i) });
    indexes.push(i);
  }
  const verified = verifySelected(keyed, resolved);
  for (let j = 0; j < keyed.length; j++) results[indexes[j] as number] = verified[j] as FlyVerifyResult;
  return results;
}

/** @internal Parse, decode and select: the permission token and the others, or the failure. */
export function selectFlyTokens(header: string, options: ResolvedFlyOptions): FlySelected | FlyVerifyResult {
  const { limits, registry, location } = options;
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
  let token: FlyMacaroon | undefined;
  const discharges: FlyMacaroon[] = [];
  for (const t of tokens) {
    if (t.location !== location) discharges.push(t);
    else if (token === undefined) token = t;
    else {
      return fail(
        'select',
        new FlyNotAuthorizedError('multiple-permission-tokens', 'multiple permission tokens'),
      );
    }
  }
  if (token === undefined) {
    return fail('select', new FlyNotAuthorizedError('no-permission-token', 'no permission token'));
  }
  return { token, discharges };
}

function lookupKey(keys: FlyVerifyOptions['keys'], token: FlyMacaroon): Uint8Array | FlyVerifyResult {
  let key: Uint8Array | undefined;
  try {
    key = keys instanceof Uint8Array ? keys : keys(token.kid);
  } catch (error) {
    return fail('select', error);
  }
  if (!(key instanceof Uint8Array)) {
    return fail('select', new FlyNotAuthorizedError('unknown-key', 'no root key for this token'));
  }
  return key;
}

/**
 * @internal Verify and validate selected, keyed requests: every chain of the batch on the engine's
 * batched chain entry, then each request's caveats against its access.
 */
export function verifySelected(
  requests: readonly FlyKeyedRequest[],
  options: ResolvedFlyOptions,
): FlyVerifyResult[] {
  const trusted3Ps = options.trusted3Ps;
  const verified = verifyFlyChains(
    requests.map((s) => ({ token: s.token, key: s.key, discharges: s.discharges, trusted3Ps })),
    selectEngine(options.engine),
  );
  return requests.map((s, j) => {
    const caveats = verified[j] as FlyCaveatEntry[] | FlyNotAuthorizedError;
    if (caveats instanceof FlyNotAuthorizedError) return { ok: false, stage: 'verify', error: caveats };
    return validated(s.token, caveats, s.access as FlyAccess, s.now ?? Date.now(), options.registry);
  });
}

/** CaveatSet.Validate of verified caveats for the request's access: the result. */
function validated(
  token: FlyMacaroon,
  caveats: FlyCaveatEntry[],
  access: FlyAccess | readonly FlyAccess[],
  now: Date | number,
  registry: FlyCaveatRegistry,
): FlyVerifyResult {
  let denials: FlyDenial[];
  try {
    denials = validateFlyCaveats(caveats, access, now);
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
 * const discharges: string[] = []; // from fetchFlyDischarges, say
 * await fetch('https://api.example/apps', { headers: { authorization: toFlyHeader([token, ...discharges]) } });
 * ```
 */
export function toFlyHeader(tokens: readonly (FlyMacaroon | string)[]): string {
  return `FlyV1 ${tokens.map((t) => (typeof t === 'string' ? t : t.encode())).join(',')}`;
}
