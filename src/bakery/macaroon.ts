/**
 * bakery.Macaroon: a macaroon with its bakery version, its namespace, and (version 3) the caveat data:
 * the encrypted payloads of its third-party caveats, kept beside the macaroon under short caveat ids
 * (bakery/macaroon.go, macaroonbakery/bakery/_macaroon.py). Immutable: every add returns a new value.
 */
import { describeType, printableText } from '../bytes.js';
import { base64Decode, base64StdEncode, base64UrlEncode } from '../codec/base64.js';
import { fromJsonObject } from '../codec/json.js';
import { InvalidArgumentError, MacaroonError } from '../errors.js';
import { addThirdPartyCaveatWithNonce, Macaroon } from '../macaroon.js';
import { randomBytes } from '../random.js';
import { NONCE_LENGTH } from './box.js';
import { type Caveat, errorCaveat } from './checkers/caveat.js';
import { conditionWithPrefix, LEGACY_NAMESPACE, Namespace } from './checkers/namespace.js';
import { CAVEAT_ROOT_KEY_LENGTH, encodeCaveat } from './codec.js';
import { BakeryFormatError } from './errors.js';
import { type KeyPair, requireKeyPair } from './keys.js';
import type { ThirdPartyLocator } from './third-party.js';
import { type BakeryVersion, LATEST_VERSION, macaroonVersion, requireBakeryVersion } from './versions.js';

/**
 * What `BakeryMacaroon.create` takes.
 *
 * @example
 * ```ts
 * BakeryMacaroon.create({ rootKey, id: 'session-1', location: 'https://api.example', version: 3 });
 * ```
 */
export interface BakeryMacaroonInit {
  /** The root key, kept by the service (text is UTF-8 encoded). */
  readonly rootKey: string | Uint8Array;
  /** The macaroon's identifier: what the service finds its root key by. */
  readonly id: string | Uint8Array;
  /** Where the macaroon is used (a hint; not signed). */
  readonly location?: string | undefined;
  /** Bakery version 0 to 3 (default 3): decides the macaroon format and the caveat formats. */
  readonly version?: BakeryVersion | undefined;
  /** The namespace first-party caveats are resolved in. Default: `std` with the empty prefix. */
  readonly namespace?: Namespace | undefined;
}

/**
 * The key pair that encrypts third-party caveats, and where third parties' public keys are found.
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
 * const options: AddCaveatOptions = { key: svc, locator };
 * await BakeryMacaroon.create({ rootKey, id: 'session-1' }).addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, options);
 * ```
 */
export interface AddCaveatOptions {
  /** The key pair of whoever adds the caveat (needed for third-party caveats). */
  readonly key?: KeyPair | undefined;
  /** Where third parties' public keys are found (needed for third-party caveats). */
  readonly locator?: ThirdPartyLocator | undefined;
}

/**
 * Spelling of the caveat data in JSON: Go writes base64url without padding, Python std with padding.
 *
 * @example
 * ```ts
 * const m = BakeryMacaroon.create({ rootKey, id: 'session-1' });
 * const style: JsonStyle = 'python';
 * JSON.stringify(m.toJSON(style)); // caveat data as std base64 with padding
 * ```
 */
export type JsonStyle = 'go' | 'python';

/**
 * Options of `BakeryMacaroon.serialize`.
 *
 * @example
 * ```ts
 * const m = BakeryMacaroon.create({ rootKey, id: 'session-1' });
 * const options: SerializeOptions = { dropCaveatData: true };
 * m.serialize('v2', options); // the plain macaroon: it can no longer be discharged
 * ```
 */
export interface SerializeOptions {
  /**
   * Binary and plain-macaroon formats cannot carry caveat data: serializing a macaroon that has some
   * throws BakeryFormatError unless this is true (the result can then not be discharged).
   */
  readonly dropCaveatData?: boolean | undefined;
}

interface State {
  readonly macaroon: Macaroon;
  readonly version: BakeryVersion;
  readonly namespace: Namespace;
  /** base64url(id) → payload. */
  readonly caveatData: ReadonlyMap<string, Uint8Array>;
  /** Discharges of v3 caveats number their own caveats after the discharge id (not serialized). */
  readonly caveatIdPrefix: Uint8Array;
}

const STATE = Symbol('bakeryMacaroon');
const FROM_STATE = Symbol('fromState');

/** @internal Randomness for a third-party caveat: fresh by default; tests replay a peer's. */
export interface CaveatRandomness {
  readonly rootKey: Uint8Array;
  readonly nonce: Uint8Array;
  readonly vidNonce: Uint8Array;
}

function freshRandomness(): CaveatRandomness {
  return {
    rootKey: randomBytes(CAVEAT_ROOT_KEY_LENGTH),
    nonce: randomBytes(NONCE_LENGTH),
    vidNonce: randomBytes(NONCE_LENGTH),
  };
}

/**
 * A bakery macaroon.
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
 * let m = BakeryMacaroon.create({ rootKey, id: 'session-1', location: 'https://api.example', version: 3 });
 * m = await m.addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator });
 * m = await m.addCaveat({ condition: 'time-before 2030-01-01T00:00:00Z' });
 * const json = JSON.stringify(m); // {"m":{…},"v":3,"cdata":{…},"ns":"std:"}
 * ```
 */
export class BakeryMacaroon {
  /** @internal */
  readonly [STATE]: State;

  private constructor(state: State) {
    this[STATE] = state;
    Object.freeze(this);
  }

  /** @internal */
  static [FROM_STATE](state: State): BakeryMacaroon {
    return new BakeryMacaroon(state);
  }

  /** Mints a bakery macaroon (bakery's `NewMacaroon`). */
  static create(init: BakeryMacaroonInit): BakeryMacaroon {
    if (typeof init !== 'object' || init === null) {
      throw new InvalidArgumentError(`options must be an object, got ${describeType(init)}`);
    }
    const version = requireBakeryVersion(init.version ?? LATEST_VERSION);
    const namespace = init.namespace ?? LEGACY_NAMESPACE;
    if (!(namespace instanceof Namespace)) throw new InvalidArgumentError('namespace must be a Namespace');
    const macaroon = Macaroon.create(init.location ?? '', init.rootKey, init.id, {
      version: macaroonVersion(version),
    });
    return new BakeryMacaroon({
      macaroon,
      version,
      namespace,
      caveatData: new Map(),
      caveatIdPrefix: new Uint8Array(0),
    });
  }

  /**
   * Wraps a plain macaroon, as bakery reads a macaroon without the wrapper: version 1 for V1, 2 for V2,
   * the legacy namespace, no caveat data.
   */
  static fromMacaroon(macaroon: Macaroon, version?: BakeryVersion): BakeryMacaroon {
    if (!(macaroon instanceof Macaroon)) {
      throw new InvalidArgumentError(`macaroon must be a Macaroon, got ${describeType(macaroon)}`);
    }
    const v = version === undefined ? macaroon.version : requireBakeryVersion(version);
    if (macaroonVersion(v) !== macaroon.version) {
      throw new BakeryFormatError(`a V${macaroon.version} macaroon cannot have bakery version ${v}`);
    }
    return new BakeryMacaroon({
      macaroon,
      version: v,
      namespace: LEGACY_NAMESPACE,
      caveatData: new Map(),
      caveatIdPrefix: new Uint8Array(0),
    });
  }

  /**
   * Reads bakery's JSON (text or parsed): the v3 wrapper `{"m", "v", "ns", "cdata"}` with caveat data in
   * either base64 spelling, or a plain macaroon's JSON (V1 gives version 1, V2 version 2).
   */
  static fromJSON(json: unknown): BakeryMacaroon {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch (e) {
        throw new BakeryFormatError('bakery macaroon JSON does not parse', { cause: e });
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BakeryFormatError(`a bakery macaroon must be a JSON object, got ${describeType(value)}`);
    }
    const obj = value as Record<string, unknown>;
    if (obj.m === undefined || obj.m === null) {
      return BakeryMacaroon.fromMacaroon(Macaroon.fromData(fromJsonObject(obj)));
    }
    const version = obj.v;
    if (version !== 3) {
      throw new BakeryFormatError(`unexpected bakery macaroon version; got ${String(version)} want 3`);
    }
    const macaroon = Macaroon.fromData(fromJsonObject(obj.m));
    if (macaroon.version !== macaroonVersion(version)) {
      throw new BakeryFormatError('underlying macaroon has inconsistent version; got 1 want 2');
    }
    let namespace = LEGACY_NAMESPACE;
    if (obj.ns !== undefined && obj.ns !== null) {
      if (typeof obj.ns !== 'string') throw new BakeryFormatError('ns must be a string');
      try {
        namespace = Namespace.parse(obj.ns);
      } catch (e) {
        throw new BakeryFormatError(`bad namespace: ${(e as Error).message}`, { cause: e });
      }
    } else {
      namespace = new Namespace();
    }
    const caveatData = new Map<string, Uint8Array>();
    if (obj.cdata !== undefined && obj.cdata !== null) {
      if (typeof obj.cdata !== 'object' || Array.isArray(obj.cdata))
        throw new BakeryFormatError('cdata must be an object');
      for (const [id64, data64] of Object.entries(obj.cdata as Record<string, unknown>)) {
        if (typeof data64 !== 'string') throw new BakeryFormatError('cdata values must be base64 strings');
        let id: Uint8Array;
        let data: Uint8Array;
        try {
          id = base64Decode(id64, 'caveat id');
          data = base64Decode(data64, 'caveat data');
        } catch (e) {
          throw new BakeryFormatError('cannot decode caveat data', { cause: e });
        }
        caveatData.set(base64UrlEncode(id), data);
      }
    }
    return new BakeryMacaroon({
      macaroon,
      version,
      namespace,
      caveatData,
      caveatIdPrefix: new Uint8Array(0),
    });
  }

  /** The underlying macaroon: what is sent to services (without the caveat data). */
  get macaroon(): Macaroon {
    return this[STATE].macaroon;
  }

  /** The bakery version (0–3). */
  get version(): BakeryVersion {
    return this[STATE].version;
  }

  /** The first-party namespace of the macaroon's conditions (bakery's std by default). */
  get namespace(): Namespace {
    return this[STATE].namespace;
  }

  /** The caveat data: base64url (unpadded) of each short caveat id → its encrypted payload (copies). */
  get caveatData(): ReadonlyMap<string, Uint8Array> {
    return new Map([...this[STATE].caveatData].map(([k, v]) => [k, v.slice()]));
  }

  /** The payload stored for a caveat id, or undefined (always undefined before version 3). */
  caveatPayload(id: Uint8Array): Uint8Array | undefined {
    return this[STATE].caveatData.get(base64UrlEncode(id))?.slice();
  }

  /**
   * Adds a caveat (bakery's `AddCaveat`). A first-party condition is resolved through the macaroon's
   * namespace when `caveat.namespace` is set. A third-party caveat is encrypted to the public key the
   * locator gives for `caveat.location`, in the lower of this macaroon's version and the third party's.
   */
  async addCaveat(caveat: Caveat, options: AddCaveatOptions = {}): Promise<BakeryMacaroon> {
    return addCaveatWith(this, caveat, options, freshRandomness);
  }

  /** Adds caveats in order. */
  async addCaveats(caveats: readonly Caveat[], options: AddCaveatOptions = {}): Promise<BakeryMacaroon> {
    let m: BakeryMacaroon = this;
    for (const c of caveats) m = await m.addCaveat(c, options);
    return m;
  }

  /**
   * Bakery's JSON object: the v3 wrapper, or the plain macaroon JSON before version 3 (which throws
   * BakeryFormatError if there is caveat data). `style` picks Go's (default) or Python's caveat data
   * spelling; both read either.
   */
  toJSON(style?: JsonStyle | string): Record<string, unknown> {
    const s = this[STATE];
    if (s.version < 3) {
      if (s.caveatData.size > 0) {
        throw new BakeryFormatError('cannot marshal pre-version3 macaroon with external caveat data');
      }
      return s.macaroon.toJSON();
    }
    const out: Record<string, unknown> = { m: s.macaroon.toJSON(), v: s.version };
    if (s.caveatData.size > 0) {
      const cdata: Record<string, string> = {};
      const python = style === 'python';
      for (const [id64, data] of s.caveatData) {
        const id = base64Decode(id64);
        cdata[python ? base64StdEncode(id) : id64] = python ? base64StdEncode(data) : base64UrlEncode(data);
      }
      out.cdata = cdata;
    }
    out.ns = s.namespace.toString();
    return out;
  }

  /**
   * The macaroon as text: `'json'` (default) is bakery's JSON, which keeps the caveat data; `'v1'`, `'v2'`,
   * `'v1j'`, `'v2j'` are the plain macaroon formats, refused when there is caveat data unless
   * `dropCaveatData` is set.
   */
  serialize(format: 'json' | 'v1' | 'v2' | 'v1j' | 'v2j' = 'json', options: SerializeOptions = {}): string {
    if (format === 'json') return JSON.stringify(this.toJSON());
    if (this[STATE].caveatData.size > 0 && options.dropCaveatData !== true) {
      throw new BakeryFormatError(
        `format ${format} cannot carry the caveat data of this version-3 macaroon: use 'json', or pass dropCaveatData: true`,
      );
    }
    return this[STATE].macaroon.serialize(format);
  }
}

/** @internal */
export function bakeryState(m: BakeryMacaroon): State {
  return m[STATE];
}

/** @internal A bakery macaroon from parts (discharge uses it). */
export function bakeryMacaroonFrom(state: State): BakeryMacaroon {
  return BakeryMacaroon[FROM_STATE](state);
}

/** The next free short id: prefix (or 0x03) || uvarint(i), i from the caveat data count (Go's newCaveatId). */
function newCaveatId(state: State): Uint8Array {
  const base = state.caveatIdPrefix.length > 0 ? [...state.caveatIdPrefix] : [3];
  const taken = new Set(state.macaroon.thirdPartyCaveats().map((c) => base64UrlEncode(c.identifier)));
  for (let i = state.caveatData.size; ; i++) {
    const id: number[] = [...base];
    let n = i;
    while (n >= 0x80) {
      id.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    id.push(n);
    const bytes = new Uint8Array(id);
    if (!taken.has(base64UrlEncode(bytes))) return bytes;
  }
}

function resolveFirstParty(namespace: Namespace, caveat: Caveat): string {
  if (!caveat.namespace) return caveat.condition;
  const prefix = namespace.resolve(caveat.namespace);
  if (prefix === undefined) {
    const err = errorCaveat(
      `caveat ${JSON.stringify(caveat.condition)} in unregistered namespace ${JSON.stringify(caveat.namespace)}`,
    );
    return conditionWithPrefix(namespace.resolve(err.namespace as string) ?? '', err.condition);
  }
  return conditionWithPrefix(prefix, caveat.condition);
}

/** @internal addCaveat with the randomness supplied (tests replay a peer's to compare bytes). */
export async function addCaveatWith(
  m: BakeryMacaroon,
  caveat: Caveat,
  options: AddCaveatOptions,
  random: () => CaveatRandomness,
): Promise<BakeryMacaroon> {
  if (typeof caveat !== 'object' || caveat === null || typeof caveat.condition !== 'string') {
    throw new InvalidArgumentError('caveat must be an object with a string condition');
  }
  const s = m[STATE];
  if (!caveat.location) {
    const cond = resolveFirstParty(s.namespace, caveat);
    return bakeryMacaroonFrom({ ...s, macaroon: s.macaroon.addFirstPartyCaveat(cond) });
  }
  if (options.key === undefined)
    throw new InvalidArgumentError('no private key to encrypt third party caveat');
  const key = requireKeyPair(options.key, 'key');
  if (!options.locator) throw new InvalidArgumentError('no locator when adding third party caveat');
  let info: Awaited<ReturnType<ThirdPartyLocator['thirdPartyInfo']>>;
  try {
    info = await options.locator.thirdPartyInfo(caveat.location);
  } catch (e) {
    if (e instanceof MacaroonError) throw e;
    throw new MacaroonError(`cannot find public key for location ${JSON.stringify(caveat.location)}`, {
      cause: e,
    });
  }
  const infoVersion = requireBakeryVersion(info.version, 'third-party version');
  const version = Math.min(s.version, infoVersion) as BakeryVersion;
  const r = random();
  const encoded = encodeCaveat({
    condition: caveat.condition,
    rootKey: r.rootKey,
    thirdPartyPublicKey: info.publicKey,
    key,
    namespace: s.namespace,
    version,
    nonce: r.nonce,
  });
  let id = encoded;
  let caveatData = s.caveatData;
  if (version >= 3) {
    id = newCaveatId(s);
    caveatData = new Map(caveatData).set(base64UrlEncode(id), encoded);
  }
  const macaroon = addThirdPartyCaveatWithNonce(s.macaroon, caveat.location, r.rootKey, id, r.vidNonce);
  return bakeryMacaroonFrom({ ...s, macaroon, caveatData });
}

/** @internal Text of a caveat id for messages. */
export function describeCaveatId(id: Uint8Array): string {
  const text = printableText(id);
  return text !== undefined ? JSON.stringify(text) : `base64:${base64UrlEncode(id)}`;
}
