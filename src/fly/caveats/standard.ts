/**
 * Every caveat type of superfly/macaroon's core, resset, auth and flyio packages (ids 0–31, caveat.go),
 * with the body layout superfly writes and the check it applies (`Prohibits`).
 */
import { ALLOW, type CheckedAccess, deny, type FlyDenial } from '../access.js';
import { ACTION_ALL, ACTION_READ, actionFromInput, formatAction, isSubset } from '../action.js';
import type { MsgpackReader, MsgpackWriter } from '../msgpack.js';
import { bytesJSON, bytesToJSON, intJSON, obj, strJSON, strListJSON, uintJSON, uintOut } from './json.js';
import {
  type IdKind,
  type ResourceId,
  type ResourceSet,
  readResourceSet,
  resourceSetFromJSON,
  resourceSetProhibits,
  resourceSetToJSON,
  writeResourceSet,
} from './resource-set.js';
import type { FlyCaveatEntry, FlyCaveatType } from './types.js';

/**
 * Caveat type ids (macaroon.CaveatType).
 *
 * @example
 * ```ts
 * const mine = CaveatIds.MinUserDefined + 1n; // a private caveat type id
 * ```
 */
export const CaveatIds = Object.freeze({
  /** An organization and the actions allowed on it. */
  Organization: 0n,
  /** The volumes a token may act on, with the actions allowed on each. */
  Volumes: 2n,
  /** The apps a token may act on, with the actions allowed on each. */
  Apps: 3n,
  /** The time window (not before, not after) in which the token is valid. */
  ValidityWindow: 4n,
  /** The organization features a token may use. */
  FeatureSet: 5n,
  /** The GraphQL mutations a token may run. */
  Mutations: 6n,
  /** The machines a token may act on. */
  Machines: 7n,
  /** Third-party auth caveat: discharged only for this Fly.io user. */
  ConfineUser: 8n,
  /** Third-party auth caveat: discharged only for a member of this organization. */
  ConfineOrganization: 9n,
  /** Names the Fly.io user the token was issued to; restricts nothing by itself. */
  IsUser: 10n,
  /** A third-party caveat: location, verifier key and ticket. */
  ThirdParty: 11n,
  /** Binds a discharge to the token it discharges (a hash of its tail). */
  BindToParentToken: 12n,
  /** Caveats that apply only when the request names the resource they restrict. */
  IfPresent: 13n,
  /** The machine features (such as exec) a token may use. */
  MachineFeatureSet: 14n,
  /** Requests must come from this machine. */
  FromMachineSource: 15n,
  /** The clusters a token may act on. */
  Clusters: 16n,
  /** Third-party auth caveat: discharged only for a Google login of this domain. */
  ConfineGoogleHD: 19n,
  /** Third-party auth caveat: discharged only for a member of this GitHub organization. */
  ConfineGitHubOrg: 20n,
  /** The longest validity a discharge may be given. */
  MaxValidity: 21n,
  /** The token acts with a member's rights, not an admin's (also read as NoAdminFeatures). */
  IsMember: 22n,
  /** Attestation in a discharge: the Fly.io user id. */
  FlyioUserID: 23n,
  /** Attestation in a discharge: the GitHub user id. */
  GitHubUserID: 24n,
  /** Attestation in a discharge: the Google user id. */
  GoogleUserID: 25n,
  /** The actions allowed, whatever the resource. */
  Action: 26n,
  /** The commands a machine exec may run. */
  Commands: 27n,
  /** The app features a token may use. */
  AppFeatureSet: 28n,
  /** The storage object prefixes a token may act on. */
  StorageObjects: 29n,
  /** The roles a token may act with. */
  AllowedRoles: 30n,
  /** Requests must come from this organization, app and machine instance (Fly's fly-src header). */
  FlySrc: 31n,
  /** First id of the user-defined (private) range. */
  MinUserDefined: 1n << 48n,
});

const flyioOnly = (a: CheckedAccess, what: string): FlyDenial[] | undefined =>
  a.kind === 'flyio' ? undefined : deny('invalid-access', `invalid access: access isn't ${what}`);

// ---- core (macaroon package) -------------------------------------------------------------------

/** Third-party caveat body: `[location, VerifierKey, Ticket]`. */
export interface ThirdPartyValue {
  readonly location: string;
  readonly verifierKey: Uint8Array | null;
  readonly ticket: Uint8Array | null;
}

const ThirdParty: FlyCaveatType<ThirdPartyValue> = {
  id: CaveatIds.ThirdParty,
  name: '3P',
  decode(r) {
    if (!r.struct(3, '3P caveat')) return { location: '', verifierKey: null, ticket: null };
    return {
      location: r.str('3P location'),
      verifierKey: r.bin('3P verifier key'),
      ticket: r.bin('3P ticket'),
    };
  },
  encode(w, v) {
    w.array(3).str(v.location).bin(v.verifierKey).bin(v.ticket);
  },
  fromJSON(body) {
    const b = obj(body, '3P');
    return {
      location: strJSON(b.Location, '3P.Location'),
      verifierKey: bytesJSON(b.VerifierKey, '3P.VerifierKey'),
      ticket: bytesJSON(b.Ticket, '3P.Ticket'),
    };
  },
  toJSON: (v) => ({
    Location: v.location,
    VerifierKey: bytesToJSON(v.verifierKey),
    Ticket: bytesToJSON(v.ticket),
  }),
  prohibits: () => deny('bad-caveat', 'bad caveat (3rd party caveat)'),
};

const BindToParentToken: FlyCaveatType<Uint8Array | null> = {
  id: CaveatIds.BindToParentToken,
  name: 'BindToParentToken',
  decode: (r) => r.bin('BindToParentToken'),
  encode: (w, v) => void w.bin(v),
  fromJSON: (body) => bytesJSON(body, 'BindToParentToken'),
  toJSON: (v) => bytesToJSON(v),
  prohibits: () => deny('bad-caveat', 'bad caveat (bind-to-parent)'),
};

export interface ValidityWindowValue {
  readonly notBefore: bigint;
  readonly notAfter: bigint;
}

const ValidityWindow: FlyCaveatType<ValidityWindowValue> = {
  id: CaveatIds.ValidityWindow,
  name: 'ValidityWindow',
  decode(r) {
    if (!r.struct(2, 'ValidityWindow')) return { notBefore: 0n, notAfter: 0n };
    return { notBefore: r.int64('not_before'), notAfter: r.int64('not_after') };
  },
  encode: (w, v) => void w.array(2).int(v.notBefore).int(v.notAfter),
  fromJSON(body) {
    const b = obj(body, 'ValidityWindow');
    return { notBefore: intJSON(b.not_before, 'not_before'), notAfter: intJSON(b.not_after, 'not_after') };
  },
  toJSON: (v) => ({ not_before: uintOut(v.notBefore), not_after: uintOut(v.notAfter) }),
  prohibits(v, a) {
    // time.Now().After(time.Unix(not_after, 0)) / Before(time.Unix(not_before, 0)), in milliseconds.
    const now = a.now;
    if (now > Number(v.notAfter) * 1000)
      return deny('unauthorized', `token only valid until ${isoSeconds(v.notAfter)}`);
    if (now < Number(v.notBefore) * 1000)
      return deny('unauthorized', `token not valid until ${isoSeconds(v.notBefore)}`);
    return ALLOW;
  },
};

function isoSeconds(s: bigint): string {
  const ms = Number(s) * 1000;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${s}s`;
}

// ---- resset ----------------------------------------------------------------------------------------

const Action: FlyCaveatType<number> = {
  id: CaveatIds.Action,
  name: 'Action',
  decode: (r) => Number(r.uint(16, 'Action')),
  encode: (w, v) => void w.uint(v),
  fromJSON: (body) => actionFromInput(body, 'Action'),
  toJSON: (v) => formatAction(v),
  prohibits(v, a) {
    if (a.kind !== 'flyio') return deny('invalid-access', 'invalid access: not a resource access');
    if (!isSubset(a.action, v)) {
      return deny(
        'unauthorized-for-action',
        `unauthorized for access ${formatAction(a.action)} (${formatAction(a.action & ~v)} not allowed)`,
      );
    }
    return ALLOW;
  },
};

export interface IfPresentValue {
  /** `null` is Go's nil *CaveatSet. */
  readonly ifs: readonly FlyCaveatEntry[] | null;
  readonly else: number;
}

const IfPresent: FlyCaveatType<IfPresentValue> = {
  id: CaveatIds.IfPresent,
  name: 'IfPresent',
  decode(r, sets) {
    if (!r.struct(2, 'IfPresent')) return { ifs: null, else: 0 };
    if (r.peek() === 0xc0) {
      r.int64('IfPresent.ifs');
      return { ifs: null, else: Number(r.uint(16, 'IfPresent.else')) };
    }
    r.enter('IfPresent');
    const ifs = sets.read(r);
    r.leave();
    return { ifs, else: Number(r.uint(16, 'IfPresent.else')) };
  },
  encode(w, v, sets) {
    w.array(2);
    if (v.ifs === null) w.nil();
    else sets.write(w, v.ifs);
    w.uint(v.else);
  },
  fromJSON(body, sets) {
    const b = obj(body, 'IfPresent');
    return {
      ifs: b.ifs === null || b.ifs === undefined ? null : sets.fromJSON(b.ifs),
      else: b.else === undefined ? 0 : actionFromInput(b.else, 'IfPresent.else'),
    };
  },
  toJSON: (v, sets) => ({ ifs: v.ifs === null ? null : sets.toJSON(v.ifs), else: formatAction(v.else) }),
  prohibits(v, a) {
    if (a.kind !== 'flyio') return deny('invalid-access', 'invalid access: not a resource access');
    const errors: FlyDenial[] = [];
    let ifBranch = false;
    for (const c of v.ifs ?? []) {
      const d = prohibitsEntry(c, a);
      // errors.Is(err, ErrResourceUnspecified): any part of a combined error counts.
      if (!d.some((x) => x.kind === 'resource-unspecified')) {
        errors.push(...d);
        ifBranch = true;
      }
    }
    if (!ifBranch && !isSubset(a.action, v.else)) {
      return deny(
        'unauthorized-for-action',
        `unauthorized for access ${formatAction(a.action)} (${formatAction(a.action & ~v.else)} not allowed)`,
      );
    }
    return errors;
  },
  children: (v) => v.ifs ?? [],
};

/** The check of one decoded caveat (unregistered caveats always deny). */
export function prohibitsEntry(c: FlyCaveatEntry, a: CheckedAccess): FlyDenial[] {
  if (c.type === undefined) return deny('bad-caveat', 'bad caveat (unregistered)');
  return c.type.prohibits(c.value, a);
}

// ---- flyio: resource sets ---------------------------------------------------------------------------

type Getter = (a: Extract<CheckedAccess, { kind: 'flyio' }>) => ResourceId | undefined;

function resourceSetType(
  id: bigint,
  name: string,
  field: string,
  kind: IdKind,
  resourceType: string,
  get: Getter,
  aliases?: string[],
): FlyCaveatType<ResourceSet<ResourceId>> {
  return {
    id,
    name,
    ...(aliases ? { aliases } : {}),
    decode(r) {
      if (!r.struct(1, name)) return null;
      return readResourceSet(r, kind, `${name}.${field}`);
    },
    encode(w, v) {
      w.array(1);
      writeResourceSet(w, v, kind);
    },
    fromJSON: (body) => resourceSetFromJSON(obj(body, name)[field], kind, `${name}.${field}`),
    toJSON: (v) => ({ [field]: resourceSetToJSON(v) }),
    prohibits(v, a) {
      if (a.kind !== 'flyio') return deny('invalid-access', `invalid access: access isnt ${name} getter`);
      return resourceSetProhibits(v, get(a), a.action, resourceType, kind);
    },
  };
}

const Apps = resourceSetType(CaveatIds.Apps, 'Apps', 'apps', 'uint', 'app', (a) => a.appid, [
  'DeprecatedApps',
]);
const Volumes = resourceSetType(CaveatIds.Volumes, 'Volumes', 'volumes', 'string', 'volume', (a) => a.volume);
const Machines = resourceSetType(
  CaveatIds.Machines,
  'Machines',
  'machines',
  'string',
  'machine',
  (a) => a.machine,
);
const MachineFeatureSet = resourceSetType(
  CaveatIds.MachineFeatureSet,
  'MachineFeatureSet',
  'features',
  'string',
  'machine feature',
  (a) => a.machine_feature,
);
const FeatureSet = resourceSetType(
  CaveatIds.FeatureSet,
  'FeatureSet',
  'features',
  'string',
  'org feature',
  (a) => a.feature,
);
const Clusters = resourceSetType(
  CaveatIds.Clusters,
  'Clusters',
  'clusters',
  'string',
  'cluster',
  (a) => a.cluster,
);
const AppFeatureSet = resourceSetType(
  CaveatIds.AppFeatureSet,
  'AppFeatureSet',
  'features',
  'string',
  'app feature',
  (a) => a.app_feature,
);
const StorageObjects = resourceSetType(
  CaveatIds.StorageObjects,
  'StorageObjects',
  'storage_objects',
  'prefix',
  'storage object',
  (a) => a.storage_object,
);

// ---- flyio: the others ------------------------------------------------------------------------------

export interface OrganizationValue {
  readonly id: bigint;
  readonly mask: number;
}

const Organization: FlyCaveatType<OrganizationValue> = {
  id: CaveatIds.Organization,
  name: 'Organization',
  aliases: ['DeprecatedOrganization'],
  decode(r) {
    if (!r.struct(2, 'Organization')) return { id: 0n, mask: 0 };
    return { id: r.uint(64, 'Organization.id'), mask: Number(r.uint(16, 'Organization.mask')) };
  },
  encode: (w, v) => void w.array(2).uint(v.id).uint(v.mask),
  fromJSON(body) {
    const b = obj(body, 'Organization');
    return {
      id: uintJSON(b.id, 'Organization.id'),
      mask: b.mask === undefined ? 0 : actionFromInput(b.mask, 'mask'),
    };
  },
  toJSON: (v) => ({ id: uintOut(v.id), mask: formatAction(v.mask) }),
  prohibits(v, a) {
    if (a.kind !== 'flyio') return deny('invalid-access', 'invalid access: access isnt OrgIDGetter');
    if (a.orgid === undefined) return deny('resource-unspecified', 'must specify org');
    if (v.id !== 0n && v.id !== a.orgid) {
      return deny('unauthorized-for-resource', `unauthorized for org ${a.orgid}, only ${v.id}`);
    }
    if (!isSubset(a.action, v.mask)) {
      return deny(
        'unauthorized-for-action',
        `unauthorized for access ${formatAction(a.action)} (${formatAction(a.action & ~v.mask)} not allowed)`,
      );
    }
    return ALLOW;
  },
};

const Mutations: FlyCaveatType<readonly string[] | null> = {
  id: CaveatIds.Mutations,
  name: 'Mutations',
  decode(r) {
    if (!r.struct(1, 'Mutations')) return null;
    return readStrings(r, 'Mutations.mutations');
  },
  encode(w, v) {
    w.array(1);
    writeStrings(w, v);
  },
  fromJSON: (body) => strListJSON(obj(body, 'Mutations').mutations, 'Mutations.mutations'),
  toJSON: (v) => ({ mutations: v === null ? null : [...v] }),
  prohibits(v, a) {
    const bad = flyioOnly(a, 'MutationGetter');
    if (bad || a.kind !== 'flyio') return bad ?? ALLOW;
    if (a.mutation === undefined)
      return deny('resource-unspecified', 'must specify: only authorized for graphql mutations');
    if (!(v ?? []).includes(a.mutation))
      return deny('unauthorized-for-resource', `unauthorized for mutation ${a.mutation}`);
    return ALLOW;
  },
};

function readStrings(r: MsgpackReader, what: string): string[] | null {
  const n = r.arrayLen(what);
  if (n < 0) return null;
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.str(what));
  return out;
}

function writeStrings(w: MsgpackWriter, v: readonly string[] | null): void {
  if (v === null) {
    w.nil();
    return;
  }
  w.array(v.length);
  for (const s of v) w.str(s);
}

const IsUser: FlyCaveatType<bigint> = {
  id: CaveatIds.IsUser,
  name: 'IsUser',
  decode: (r) => (r.struct(1, 'IsUser') ? r.uint(64, 'IsUser') : 0n),
  encode: (w, v) => void w.array(1).uint(v),
  // The JSON field is literally named "uint64" upstream.
  fromJSON: (body) => uintJSON(obj(body, 'IsUser').uint64, 'IsUser.uint64'),
  toJSON: (v) => ({ uint64: uintOut(v) }),
  prohibits: () => ALLOW,
};

const FromMachineSource: FlyCaveatType<string> = {
  id: CaveatIds.FromMachineSource,
  name: 'FromMachineSource',
  decode: (r) => (r.struct(1, 'FromMachineSource') ? r.str('FromMachineSource.id') : ''),
  encode: (w, v) => void w.array(1).str(v),
  fromJSON: (body) => strJSON(obj(body, 'FromMachineSource').id, 'FromMachineSource.id'),
  toJSON: (v) => ({ id: v }),
  prohibits(v, a) {
    if (a.kind !== 'flyio') return deny('invalid-access', 'invalid access: access isnt SourceMachineGetter');
    if (a.sourceMachine === undefined) return deny('invalid-access', 'invalid access: missing SourceMachine');
    if (a.sourceMachine !== v) {
      return deny(
        'unauthorized',
        `unauthorized source, expected from machine ${v}, but got ${a.sourceMachine}`,
      );
    }
    return ALLOW;
  },
};

export const ROLE_MEMBER = 1;
export const ROLE_BILLING_MANAGER = 2;
export const ROLE_ADMIN = 0xffffffff;

/** flyio.MemberFeatures: what a plain member may do with each org feature. */
const MEMBER_FEATURES: ReadonlyMap<string, number> = new Map([
  ['wg', ACTION_ALL],
  ['domain', ACTION_ALL],
  ['site', ACTION_ALL],
  ['builder', ACTION_ALL],
  ['addon', ACTION_ALL],
  ['checks', ACTION_ALL],
  ['litefs-cloud', ACTION_ALL],
  ['membership', ACTION_READ],
  ['billing', ACTION_READ],
  ['authentication', ACTION_READ],
  ['deletion', 0],
  ['document_signing', 0],
]);

function allowedRolesProhibits(mask: number, a: CheckedAccess): FlyDenial[] {
  if (a.kind !== 'flyio') return deny('invalid-access', "invalid access: access isn't PermittedRolesGetter");
  let permitted = ROLE_ADMIN;
  if (a.feature === undefined) permitted = ROLE_MEMBER;
  else {
    const member = MEMBER_FEATURES.get(a.feature);
    if (member !== undefined && isSubset(a.action, member)) permitted = ROLE_MEMBER;
  }
  if ((mask & permitted) >>> 0 === permitted >>> 0) return ALLOW;
  return deny('unauthorized-for-role', `unauthorized for role: allowed roles (${mask >>> 0}) not permitted`);
}

const AllowedRoles: FlyCaveatType<number> = {
  id: CaveatIds.AllowedRoles,
  name: 'AllowedRoles',
  decode: (r) => Number(r.uint(32, 'AllowedRoles')),
  encode: (w, v) => void w.uint(v >>> 0),
  fromJSON: (body) => Number(uintJSON(body, 'AllowedRoles', 32)),
  toJSON: (v) => v >>> 0,
  prohibits: (v, a) => allowedRolesProhibits(v, a),
};

const IsMember: FlyCaveatType<null> = {
  id: CaveatIds.IsMember,
  name: 'IsMember',
  aliases: ['NoAdminFeatures'],
  decode(r) {
    r.struct(0, 'IsMember');
    return null;
  },
  encode: (w) => void w.array(0),
  fromJSON: () => null,
  toJSON: () => ({}),
  prohibits: (_v, a) => allowedRolesProhibits(ROLE_MEMBER, a),
};

export interface CommandValue {
  readonly args: readonly string[] | null;
  readonly exact: boolean;
}

const Commands: FlyCaveatType<readonly CommandValue[] | null> = {
  id: CaveatIds.Commands,
  name: 'Commands',
  decode(r) {
    const n = r.arrayLen('Commands');
    if (n < 0) return null;
    const out: CommandValue[] = [];
    for (let i = 0; i < n; i++) {
      if (!r.struct(2, 'Command')) out.push({ args: null, exact: false });
      else out.push({ args: readStrings(r, 'Command.args'), exact: r.bool('Command.exact') });
    }
    return out;
  },
  encode(w, v) {
    if (v === null) {
      w.nil();
      return;
    }
    w.array(v.length);
    for (const c of v) {
      w.array(2);
      writeStrings(w, c.args);
      w.bool(c.exact);
    }
  },
  fromJSON(body) {
    if (body === null || body === undefined) return null;
    if (!Array.isArray(body)) throw new TypeError('Commands body must be an array');
    return body.map((c, i) => {
      const b = obj(c, `Commands[${i}]`);
      return { args: strListJSON(b.args, `Commands[${i}].args`), exact: b.exact === true };
    });
  },
  toJSON: (v) =>
    v === null ? null : v.map((c) => (c.exact ? { args: c.args, exact: true } : { args: c.args })),
  prohibits(v, a) {
    if (a.kind !== 'flyio') return deny('invalid-access', 'invalid access: access isnt CommandGetter');
    const cmd = a.command;
    if (cmd === undefined)
      return deny('resource-unspecified', 'must specify: only authorized for command execution');
    for (const allowed of v ?? []) {
      const args = allowed.args ?? [];
      if (args.length > cmd.length) continue;
      if (allowed.exact && args.length !== cmd.length) continue;
      if (args.every((x, i) => x === cmd[i])) return ALLOW;
    }
    return deny('unauthorized-for-resource', `unauthorized for commands [${cmd.join(' ')}]`);
  },
};

export interface FlySrcValue {
  readonly organization: string;
  readonly app: string;
  readonly instance: string;
}

const FlySrc: FlyCaveatType<FlySrcValue> = {
  id: CaveatIds.FlySrc,
  name: 'FlySrc',
  decode(r) {
    if (!r.struct(3, 'FlySrc')) return { organization: '', app: '', instance: '' };
    return {
      organization: r.str('FlySrc.organization'),
      app: r.str('FlySrc.app'),
      instance: r.str('FlySrc.instance'),
    };
  },
  encode: (w, v) => void w.array(3).str(v.organization).str(v.app).str(v.instance),
  fromJSON(body) {
    const b = obj(body, 'FlySrc');
    return {
      organization: strJSON(b.organization, 'FlySrc.organization'),
      app: strJSON(b.app, 'FlySrc.app'),
      instance: strJSON(b.instance, 'FlySrc.instance'),
    };
  },
  toJSON: (v) => ({ organization: v.organization, app: v.app, instance: v.instance }),
  prohibits(v, a) {
    const checks: [string, 'sourceMachine' | 'sourceApp' | 'sourceOrganization', string][] = [
      [v.instance, 'sourceMachine', 'machine'],
      [v.app, 'sourceApp', 'app'],
      [v.organization, 'sourceOrganization', 'org'],
    ];
    for (const [want, field, label] of checks) {
      if (want === '') continue;
      if (a.kind !== 'flyio') return deny('invalid-access', `invalid access: access isn't ${field} getter`);
      const got = a[field];
      if (got === undefined) return deny('invalid-access', `invalid access: missing ${field}`);
      if (got !== want)
        return deny('unauthorized', `unauthorized source, expected from ${label} ${want}, but got ${got}`);
    }
    return ALLOW;
  },
};

// ---- auth (checked by a third party against its discharge request) ---------------------------------

function authCheck(
  a: CheckedAccess,
  has: (d: Extract<CheckedAccess, { kind: 'discharge-request' }>) => boolean,
  ok: (d: Extract<CheckedAccess, { kind: 'discharge-request' }>) => boolean,
  message: string,
): FlyDenial[] {
  if (a.kind !== 'discharge-request')
    return deny('invalid-access', 'invalid access: not a discharge request');
  if (!has(a) || !ok(a)) return deny('unauthorized', message);
  return ALLOW;
}

function uintStruct(
  id: bigint,
  name: string,
  check: FlyCaveatType<bigint>['prohibits'],
): FlyCaveatType<bigint> {
  return {
    id,
    name,
    decode: (r) => (r.struct(1, name) ? r.uint(64, `${name}.id`) : 0n),
    encode: (w, v) => void w.array(1).uint(v),
    fromJSON: (body) => uintJSON(obj(body, name).id, `${name}.id`),
    toJSON: (v) => ({ id: uintOut(v) }),
    prohibits: check,
  };
}

const ConfineUser = uintStruct(CaveatIds.ConfineUser, 'ConfineUser', (v, a) =>
  authCheck(
    a,
    (d) => d.hasFlyio,
    (d) => d.flyioUserIds.includes(v),
    `must authenticate with Fly.io account ${v}`,
  ),
);

const ConfineOrganization = uintStruct(CaveatIds.ConfineOrganization, 'ConfineOrganization', (v, a) =>
  authCheck(
    a,
    (d) => d.hasFlyio,
    (d) => d.flyioOrgIds.includes(v),
    `must authenticate with Fly.io account with access to organization ${v}`,
  ),
);

function bareUint(
  id: bigint,
  name: string,
  prohibits: FlyCaveatType<bigint>['prohibits'],
  attestation = false,
): FlyCaveatType<bigint> {
  return {
    id,
    name,
    ...(attestation ? { attestation } : {}),
    decode: (r) => r.uint(64, name),
    encode: (w, v) => void w.uint(v),
    fromJSON: (body) => uintJSON(body, name),
    toJSON: (v) => uintOut(v),
    prohibits,
  };
}

const ConfineGitHubOrg = bareUint(CaveatIds.ConfineGitHubOrg, 'ConfineGitHubOrg', (v, a) =>
  authCheck(
    a,
    (d) => d.hasGithub,
    (d) => d.githubOrgIds.includes(v),
    `must authenticate with GitHub account with access to organization ${v}`,
  ),
);

const MaxValidity = bareUint(CaveatIds.MaxValidity, 'MaxValidity', (v, a) => {
  if (a.kind !== 'discharge-request')
    return deny('invalid-access', 'invalid access: not a discharge request');
  if (a.expiry - a.now > Number(v) * 1000)
    return deny('unauthorized', `validity exceeds max validity window (${v}s)`);
  return ALLOW;
});

const ConfineGoogleHD: FlyCaveatType<string> = {
  id: CaveatIds.ConfineGoogleHD,
  name: 'ConfineGoogleHD',
  decode: (r) => r.str('ConfineGoogleHD'),
  encode: (w, v) => void w.str(v),
  fromJSON: (body) => strJSON(body, 'ConfineGoogleHD'),
  toJSON: (v) => v,
  prohibits: (v, a) =>
    authCheck(
      a,
      (d) => d.hasGoogle,
      (d) => d.googleHds.includes(v),
      `must authenticate with ${v} Google account`,
    ),
};

const attestationDenies = () => deny('bad-caveat', 'bad caveat (attestation)');
const FlyioUserID = bareUint(CaveatIds.FlyioUserID, 'FlyioUserID', attestationDenies, true);
const GitHubUserID = bareUint(CaveatIds.GitHubUserID, 'GitHubUserID', attestationDenies, true);

/** GoogleUserID: a big integer written as its minimal big-endian bytes (big.Int.Bytes()). */
const GoogleUserID: FlyCaveatType<bigint> = {
  id: CaveatIds.GoogleUserID,
  name: 'GoogleUserID',
  attestation: true,
  decode(r) {
    const b = r.bin('GoogleUserID') ?? new Uint8Array(0);
    let v = 0n;
    for (const x of b) v = (v << 8n) | BigInt(x);
    return v;
  },
  encode(w, v) {
    const bytes: number[] = [];
    for (let x = v; x > 0n; x >>= 8n) bytes.unshift(Number(x & 0xffn));
    w.bin(Uint8Array.from(bytes));
  },
  fromJSON: (body) => uintJSON(body, 'GoogleUserID', 1024),
  toJSON: (v) => uintOut(v),
  prohibits: attestationDenies,
};

/** Every standard caveat type, in id order. */
export const STANDARD_CAVEAT_TYPES: readonly FlyCaveatType<never>[] = Object.freeze([
  Organization,
  Volumes,
  Apps,
  ValidityWindow,
  FeatureSet,
  Mutations,
  Machines,
  ConfineUser,
  ConfineOrganization,
  IsUser,
  ThirdParty,
  BindToParentToken,
  IfPresent,
  MachineFeatureSet,
  FromMachineSource,
  Clusters,
  ConfineGoogleHD,
  ConfineGitHubOrg,
  MaxValidity,
  IsMember,
  FlyioUserID,
  GitHubUserID,
  GoogleUserID,
  Action,
  Commands,
  AppFeatureSet,
  StorageObjects,
  AllowedRoles,
  FlySrc,
] as unknown as readonly FlyCaveatType<never>[]);
