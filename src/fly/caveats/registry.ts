/**
 * Caveat registry: id ⇄ type ⇄ JSON name, and the caveat-set codec (caveat_set.go). Immutable: `extend`
 * returns a new registry, so a registry handed to a verifier never changes under it.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { MsgpackReader, MsgpackWriter } from '../msgpack.js';
import { MsgpackReader as Reader } from '../msgpack.js';
import { uintOut } from './json.js';
import { STANDARD_CAVEAT_TYPES } from './standard.js';
import type { CaveatSetCodec, FlyCaveat, FlyCaveatEntry, FlyCaveatType } from './types.js';

const MAX_ID = 0xffffffffffffffffn;
/** CavUnregistered: what superfly gives a JSON name it does not know. */
const UNREGISTERED = MAX_ID;

/**
 * The caveat types a codec knows. `FlyCaveatRegistry.standard()` has every type of superfly's core,
 * resset, auth and flyio packages; `extend` adds yours (ids must not collide; use 2^48 and up for
 * private types).
 *
 * @example
 * ```ts
 * import { FlyCaveatRegistry, FlyMacaroon } from 'macaroon-engine/fly';
 * const registry = FlyCaveatRegistry.standard(); // or .extend([...your own caveat types])
 * const m = FlyMacaroon.decode(token, { registry });
 * ```
 */
export class FlyCaveatRegistry implements CaveatSetCodec {
  private readonly byId = new Map<bigint, FlyCaveatType>();
  private readonly byName = new Map<string, FlyCaveatType>();

  private constructor(types: readonly FlyCaveatType[]) {
    for (const t of types) {
      if (typeof t.id !== 'bigint' || t.id < 0n || t.id >= UNREGISTERED) {
        throw new InvalidArgumentError(`caveat type ${String(t.name)} needs a bigint id below 2^64-1`);
      }
      if (this.byId.has(t.id)) throw new InvalidArgumentError(`duplicate caveat type id ${t.id}`);
      this.byId.set(t.id, t);
      for (const name of [t.name, ...(t.aliases ?? [])]) {
        if (this.byName.has(name)) throw new InvalidArgumentError(`duplicate caveat type name ${name}`);
        this.byName.set(name, t);
      }
    }
  }

  private static standardRegistry: FlyCaveatRegistry | undefined;

  /** superfly's standard caveat types (ids 0–31). */
  static standard(): FlyCaveatRegistry {
    FlyCaveatRegistry.standardRegistry ??= new FlyCaveatRegistry(
      STANDARD_CAVEAT_TYPES as readonly FlyCaveatType[],
    );
    return FlyCaveatRegistry.standardRegistry;
  }

  /**
   * A new registry with these types added. Any `FlyCaveatType<V>` is a `FlyCaveatType` (its methods take
   * V bivariantly), so a strict consumer passes its own types as they are.
   */
  extend(types: readonly FlyCaveatType[]): FlyCaveatRegistry {
    return new FlyCaveatRegistry([...this.byId.values(), ...types]);
  }

  /** The caveat type with this id, if registered. */
  get(id: bigint): FlyCaveatType | undefined {
    return this.byId.get(id);
  }

  /** The type id for a JSON name (or decimal id); CavUnregistered when unknown, as caveatTypeFromString. */
  idOf(name: string): bigint {
    const t = this.byName.get(name);
    if (t) return t.id;
    if (/^[0-9]+$/.test(name) && BigInt(name) <= MAX_ID) return BigInt(name);
    return UNREGISTERED;
  }

  /** caveatTypeToString: registered names below the user-defined range, else the decimal id. */
  nameOf(id: bigint): string {
    const t = this.byId.get(id);
    return t && id < 1n << 48n ? t.name : id.toString();
  }

  // ---- CaveatSetCodec --------------------------------------------------------------------------------

  /** Reads a caveat set (a MessagePack array of type id and body pairs). */
  read(r: MsgpackReader): FlyCaveatEntry[] {
    const n = r.arrayLen('caveat set');
    if (n < 0 || n % 2 !== 0) r.fail('bad caveat container');
    const out: FlyCaveatEntry[] = [];
    for (let i = 0; i < n / 2; i++) {
      const id = r.uint(64, 'caveat type');
      const type = this.byId.get(id);
      if (type) out.push({ id, type, value: type.decode(r, this) });
      else out.push({ id, type: undefined, value: undefined, raw: r.rawValue('unregistered caveat body') });
    }
    return out;
  }

  /** Writes a caveat set. */
  write(w: MsgpackWriter, caveats: readonly FlyCaveatEntry[]): void {
    w.array(caveats.length * 2);
    for (const c of caveats) this.writeOne(w, c);
  }

  /** Type id and body of one caveat. */
  writeOne(w: MsgpackWriter, c: FlyCaveatEntry): void {
    w.uint(c.id);
    if (c.type) c.type.encode(w, c.value, this);
    else w.raw(c.raw as Uint8Array);
  }

  /** Reads caveats in superfly's JSON form. */
  fromJSON(json: unknown): FlyCaveatEntry[] {
    if (!Array.isArray(json)) throw new InvalidArgumentError('caveats must be an array of { type, body }');
    return json.map((c, i) => this.entryFromJSON(c, i));
  }

  /** Caveats in superfly's JSON form. */
  toJSON(caveats: readonly FlyCaveatEntry[]): FlyCaveat[] {
    return caveats.map((c) => this.entryToJSON(c));
  }

  /** One caveat from its JSON form; `raw` (MessagePack bytes) is accepted for unregistered types. */
  entryFromJSON(c: unknown, i = 0): FlyCaveatEntry {
    if (typeof c !== 'object' || c === null)
      throw new InvalidArgumentError(`caveat ${i} must be { type, body }`);
    const { type: name, body, raw } = c as { type?: unknown; body?: unknown; raw?: unknown };
    const key = typeof name === 'number' || typeof name === 'bigint' ? String(name) : name;
    if (typeof key !== 'string') throw new InvalidArgumentError(`caveat ${i}: type must be a name or an id`);
    const id = this.idOf(key);
    const type = this.byId.get(id);
    if (type) return Object.freeze({ id, type, value: type.fromJSON(body, this) });
    if (id === UNREGISTERED) throw new InvalidArgumentError(`caveat ${i}: unknown caveat type ${key}`);
    if (!(raw instanceof Uint8Array)) {
      // superfly refuses this too: a JSON body cannot be turned into signed MessagePack without the type.
      throw new InvalidArgumentError(
        `caveat ${i}: unregistered type ${key} needs its body as raw MessagePack bytes`,
      );
    }
    const r = new Reader(raw, { maxDepth: 32, maxElements: 4096, maxFieldBytes: raw.length });
    r.any('raw caveat body');
    if (r.pos !== raw.length)
      throw new InvalidArgumentError(`caveat ${i}: raw body must be exactly one MessagePack value`);
    return Object.freeze({ id, type: undefined, value: undefined, raw: raw.slice() });
  }

  /** One caveat in superfly's JSON form. */
  entryToJSON(c: FlyCaveatEntry): FlyCaveat {
    if (c.type) return Object.freeze({ type: this.nameOf(c.id), body: c.type.toJSON(c.value, this) });
    const raw = c.raw as Uint8Array;
    let body: unknown;
    try {
      body = new Reader(raw, { maxDepth: 32, maxElements: 4096, maxFieldBytes: raw.length }).any('body');
    } catch {
      body = undefined;
    }
    return Object.freeze({ type: uintOut(c.id).toString(), body, raw: raw.slice() });
  }
}
