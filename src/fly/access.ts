/**
 * What a request asserts, in superfly's JSON form (flyio.Access), and why a caveat denies it. Denial
 * kinds mirror superfly's sentinel errors, so `resource-unspecified` drives IfPresent exactly as
 * `errors.Is(err, resset.ErrResourceUnspecified)` does there.
 */
import { InvalidArgumentError } from '../errors.js';
import { actionFromInput } from './action.js';

/**
 * A request to a Fly-style service (flyio.Access, JSON field names).
 *
 * @example
 * ```ts
 * const key = crypto.getRandomValues(new Uint8Array(32));
 * const kid = new TextEncoder().encode('key-1');
 * const token = FlyMacaroon.create({ key, kid, location: FLY_PERMISSION_LOCATION })
 *   .attenuate([{ type: 'Organization', body: { id: 7, mask: 'r' } }])
 *   .encode();
 * const access: FlyAccess = { action: 'r', orgid: 7 };
 * verifyFly(toFlyHeader([token]), { keys: key, access }).ok; // true; with action 'w' it is false
 * ```
 */
export interface FlyAccess {
  /** Letters (`'r'`, `'rw'`, `'*'`) or a 16-bit mask. */
  readonly action?: string | number | undefined;
  /** The organization the request acts on (Organization caveats, ConfineOrganization). */
  readonly orgid?: number | bigint | undefined;
  /** The app the request acts on (Apps caveats). */
  readonly appid?: number | bigint | undefined;
  /** The organization feature used (FeatureSet caveats), e.g. `'wg'`. */
  readonly feature?: string | undefined;
  /** The app feature used (AppFeatureSet caveats). */
  readonly app_feature?: string | undefined;
  /** The volume id the request touches (Volumes caveats). */
  readonly volume?: string | undefined;
  /** The machine id the request touches (Machines caveats). */
  readonly machine?: string | undefined;
  /** The machine feature used (MachineFeatureSet caveats), e.g. `'exec'`. */
  readonly machine_feature?: string | undefined;
  /** The GraphQL mutation the request runs (Mutations caveats). */
  readonly mutation?: string | undefined;
  /** The machine the request comes from (FromMachineSource, FlySrc caveats). */
  readonly sourceMachine?: string | undefined;
  /** The app the request comes from (FlySrc caveats). */
  readonly sourceApp?: string | undefined;
  /** The organization the request comes from (FlySrc caveats). */
  readonly sourceOrganization?: string | undefined;
  /** The cluster the request acts on (Clusters caveats). */
  readonly cluster?: string | undefined;
  /** The command a machine exec runs, argument by argument (Commands caveats). */
  readonly command?: readonly string[] | undefined;
  /** The storage object path the request touches (StorageObjects caveats, prefix match). */
  readonly storage_object?: string | undefined;
}

/**
 * What a third party knows when it is asked for a discharge (auth.DischargeRequest): the logins it has
 * checked and the expiry it intends to give the discharge. The auth caveats of a ticket are checked
 * against it.
 *
 * @example
 * ```ts
 * const who: FlyDischargeRequest = { flyio: [{ userId: 42, organizationIds: [7] }], expiry: Date.now() + 3_600_000 };
 * flyDischargeHandler({
 *   key: crypto.getRandomValues(new Uint8Array(32)),
 *   location: 'https://auth.example/',
 *   discharge: ({ check }) => {
 *     if (check(who).length > 0) throw new FlyDischargeError('https://auth.example/', 403, 'not allowed');
 *     return [];
 *   },
 * });
 * ```
 */
export interface FlyDischargeRequest {
  /** Fly.io logins checked: the user and the organizations it belongs to. */
  readonly flyio?:
    | readonly {
        /** The Fly.io user id. */
        readonly userId: number | bigint;
        /** Organizations the user belongs to. */
        readonly organizationIds?: readonly (number | bigint)[] | undefined;
      }[]
    | undefined;
  /** Google logins checked. */
  readonly google?:
    | readonly {
        /** The Google Workspace domain (hd) of the login. */
        readonly hd: string;
      }[]
    | undefined;
  /** GitHub logins checked, by the organizations of the user. */
  readonly github?:
    | readonly {
        /** GitHub organizations the user belongs to. */
        readonly orgIds?: readonly (number | bigint)[] | undefined;
      }[]
    | undefined;
  /** Expiry of the discharge to be issued (MaxValidity compares it with now). */
  readonly expiry?: Date | number | undefined;
}

/**
 * Normalized request, as the caveat checks see it.
 *
 * @example
 * ```ts
 * const Region: FlyCaveatType<string> = {
 *   id: 2n ** 48n + 7n,
 *   name: 'Region',
 *   decode: (r) => r.str('Region'),
 *   encode: (w, v) => void w.str(v),
 *   fromJSON: (b) => String(b),
 *   toJSON: (v) => v,
 *   prohibits: (v, access: CheckedAccess) =>
 *     access.kind === 'flyio' && access.feature !== undefined && access.feature !== v
 *       ? [{ kind: 'unauthorized', message: `only region ${v}` }]
 *       : [],
 * };
 * ```
 */
export type CheckedAccess =
  | {
      /** A service request (from a FlyAccess). */
      readonly kind: 'flyio';
      /** The clock the checks use, in milliseconds since the epoch. */
      readonly now: number;
      /** The action as a 16-bit mask. */
      readonly action: number;
      /** FlyAccess.orgid as a bigint. */
      readonly orgid: bigint | undefined;
      /** FlyAccess.appid as a bigint. */
      readonly appid: bigint | undefined;
      /** As FlyAccess.feature. */
      readonly feature: string | undefined;
      /** As FlyAccess.app_feature. */
      readonly app_feature: string | undefined;
      /** As FlyAccess.volume. */
      readonly volume: string | undefined;
      /** As FlyAccess.machine. */
      readonly machine: string | undefined;
      /** As FlyAccess.machine_feature. */
      readonly machine_feature: string | undefined;
      /** As FlyAccess.mutation. */
      readonly mutation: string | undefined;
      /** As FlyAccess.sourceMachine. */
      readonly sourceMachine: string | undefined;
      /** As FlyAccess.sourceApp. */
      readonly sourceApp: string | undefined;
      /** As FlyAccess.sourceOrganization. */
      readonly sourceOrganization: string | undefined;
      /** As FlyAccess.cluster. */
      readonly cluster: string | undefined;
      /** As FlyAccess.command. */
      readonly command: readonly string[] | undefined;
      /** As FlyAccess.storage_object. */
      readonly storage_object: string | undefined;
    }
  | {
      /** A third party's discharge request (from a FlyDischargeRequest). */
      readonly kind: 'discharge-request';
      /** The clock the checks use, in milliseconds since the epoch. */
      readonly now: number;
      /** Fly.io user ids of the logins checked. */
      readonly flyioUserIds: readonly bigint[];
      /** Organizations those users belong to. */
      readonly flyioOrgIds: readonly bigint[];
      /** Whether a Fly.io login was checked at all. */
      readonly hasFlyio: boolean;
      /** Google Workspace domains (hd) of the logins checked. */
      readonly googleHds: readonly string[];
      /** Whether a Google login was checked at all. */
      readonly hasGoogle: boolean;
      /** GitHub organizations of the logins checked. */
      readonly githubOrgIds: readonly bigint[];
      /** Whether a GitHub login was checked at all. */
      readonly hasGithub: boolean;
      /** Expiry of the discharge to be issued, in milliseconds since the epoch. */
      readonly expiry: number;
    };

/**
 * Why a caveat (or the access itself) denies; `kind` is stable, `message` is for people.
 *
 * @example
 * ```ts
 * const r = verifyFly(`FlyV1 ${token}`, { keys: rootKey, access: { action: 'w', orgid: 7 } });
 * if (!r.ok && r.error instanceof FlyNotAuthorizedError) {
 *   for (const d of r.error.denials as readonly FlyDenial[]) console.info(d.kind, d.message); // 'unauthorized-for-action', …
 * }
 * ```
 */
export interface FlyDenial {
  /** Stable reason, for code (mirrors superfly's sentinel errors). */
  readonly kind: FlyDenialKind;
  /** Human-readable explanation; not stable. */
  readonly message: string;
}

/**
 * superfly's error sentinels, by name.
 *
 * @example
 * ```ts
 * const denials = validateFlyCaveats([], { action: 'r' });
 * const kinds: FlyDenialKind[] = denials.map((d) => d.kind); // e.g. ['resource-unspecified']
 * ```
 */
export type FlyDenialKind =
  | 'unauthorized'
  | 'invalid-access'
  | 'bad-caveat'
  | 'resource-unspecified'
  | 'resources-mutually-exclusive'
  | 'unauthorized-for-resource'
  | 'unauthorized-for-action'
  | 'unauthorized-for-role';

export function deny(kind: FlyDenialKind, message: string): FlyDenial[] {
  return [{ kind, message }];
}

/** No denial. Frozen: it is shared by every caller that returns it. */
export const ALLOW: FlyDenial[] = Object.freeze([]) as unknown as FlyDenial[];

export function toUint64(value: unknown, name: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n && value <= 0xffffffffffffffffn) return value;
  throw new InvalidArgumentError(`${name} must be a non-negative integer (number or bigint)`);
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidArgumentError(`${name} must be a string`);
  return value;
}

function optionalUint(value: unknown, name: string): bigint | undefined {
  return value === undefined || value === null ? undefined : toUint64(value, name);
}

/** Normalizes a FlyAccess; `now` in milliseconds since the epoch. */
export function checkedAccess(access: FlyAccess, now: number): CheckedAccess {
  if (typeof access !== 'object' || access === null)
    throw new InvalidArgumentError('access must be an object');
  const command = access.command;
  if (command !== undefined && command !== null) {
    if (!Array.isArray(command) || command.some((a) => typeof a !== 'string')) {
      throw new InvalidArgumentError('access.command must be an array of strings');
    }
  }
  return {
    kind: 'flyio',
    now,
    action: access.action === undefined ? 0 : actionFromInput(access.action, 'access.action'),
    orgid: optionalUint(access.orgid, 'access.orgid'),
    appid: optionalUint(access.appid, 'access.appid'),
    feature: optionalString(access.feature, 'access.feature'),
    app_feature: optionalString(access.app_feature, 'access.app_feature'),
    volume: optionalString(access.volume, 'access.volume'),
    machine: optionalString(access.machine, 'access.machine'),
    machine_feature: optionalString(access.machine_feature, 'access.machine_feature'),
    mutation: optionalString(access.mutation, 'access.mutation'),
    sourceMachine: optionalString(access.sourceMachine, 'access.sourceMachine'),
    sourceApp: optionalString(access.sourceApp, 'access.sourceApp'),
    sourceOrganization: optionalString(access.sourceOrganization, 'access.sourceOrganization'),
    cluster: optionalString(access.cluster, 'access.cluster'),
    command: command === undefined || command === null ? undefined : [...command],
    storage_object: optionalString(access.storage_object, 'access.storage_object'),
  };
}

export function checkedDischargeRequest(request: FlyDischargeRequest, now: number): CheckedAccess {
  if (typeof request !== 'object' || request === null) {
    throw new InvalidArgumentError('discharge request must be an object');
  }
  const flyio = request.flyio ?? [];
  const google = request.google ?? [];
  const github = request.github ?? [];
  const expiry = request.expiry === undefined ? now : Number(request.expiry);
  return {
    kind: 'discharge-request',
    now,
    flyioUserIds: flyio.map((f, i) => toUint64(f.userId, `flyio[${i}].userId`)),
    flyioOrgIds: flyio.flatMap((f, i) =>
      (f.organizationIds ?? []).map((o) => toUint64(o, `flyio[${i}].organizationIds`)),
    ),
    hasFlyio: flyio.length > 0,
    googleHds: google.map((g) => String(g.hd)),
    hasGoogle: google.length > 0,
    githubOrgIds: github.flatMap((g, i) => (g.orgIds ?? []).map((o) => toUint64(o, `github[${i}].orgIds`))),
    hasGithub: github.length > 0,
    expiry,
  };
}

export const FEATURE_LFSC = 'litefs-cloud';

/** flyio.Access.Validate: the request's own shape, checked before any caveat. */
export function validateAccess(a: CheckedAccess): FlyDenial[] {
  if (a.kind !== 'flyio') return ALLOW;
  if (a.orgid === undefined) return deny('resource-unspecified', 'must specify org');
  const org: string[] = [];
  if (a.appid !== undefined) org.push('app');
  if (a.feature !== undefined) org.push(a.feature);
  if (a.storage_object !== undefined) org.push('storage-object');
  if (org.length > 1)
    return deny('resources-mutually-exclusive', `resources are mutually exclusive: ${org.join(', ')}`);
  const app: string[] = [];
  if (a.machine !== undefined) app.push('machine');
  if (a.volume !== undefined) app.push('volume');
  if (a.app_feature !== undefined) app.push(a.app_feature);
  if (app.length !== 0 && a.appid === undefined) {
    return deny('resource-unspecified', 'must specify app if app-owned resource is specified');
  }
  if (app.length > 1)
    return deny('resources-mutually-exclusive', `resources are mutually exclusive: ${app.join(', ')}`);
  if (a.cluster !== undefined) {
    if (a.feature === undefined) {
      return deny('resource-unspecified', `must specify ${FEATURE_LFSC} feature if clusters are specified`);
    }
    if (a.feature !== FEATURE_LFSC)
      return deny('invalid-access', `clusters require the ${FEATURE_LFSC} feature`);
  }
  const machine: string[] = [];
  if (a.command !== undefined) machine.push('command-execution');
  if (a.machine_feature !== undefined) machine.push(a.machine_feature);
  if (machine.length !== 0 && a.machine === undefined)
    return deny('resource-unspecified', 'must specify machine');
  if (machine.length > 1) {
    return deny('resources-mutually-exclusive', `resources are mutually exclusive: ${machine.join(', ')}`);
  }
  return ALLOW;
}
