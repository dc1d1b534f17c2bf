/**
 * A caveat type: numeric id, JSON name, MessagePack body codec, JSON body codec and the check
 * (`Prohibits` in superfly/macaroon). Types are plain objects; a registry maps ids and names to them.
 */
import type { CheckedAccess, FlyDenial } from '../access.js';
import type { MsgpackReader, MsgpackValue, MsgpackWriter } from '../msgpack.js';

/**
 * Reads and writes nested caveat sets (IfPresent) with the registry in force.
 *
 * @example
 * ```ts
 * // The codec a caveat type receives for nested caveat sets (as IfPresent holds them).
 * const Wrapper: FlyCaveatType<FlyCaveatEntry[]> = {
 *   id: 2n ** 48n + 8n,
 *   name: 'Wrapper',
 *   decode: (r, sets: CaveatSetCodec) => sets.read(r),
 *   encode: (w, v, sets) => sets.write(w, v),
 *   fromJSON: (b, sets) => sets.fromJSON(b),
 *   toJSON: (v, sets) => sets.toJSON(v),
 *   prohibits: () => [],
 *   children: (v) => v,
 * };
 * ```
 */
export interface CaveatSetCodec {
  /** Reads a nested caveat set. */
  read(r: MsgpackReader): FlyCaveatEntry[];
  /** Writes a nested caveat set. */
  write(w: MsgpackWriter, caveats: readonly FlyCaveatEntry[]): void;
  /** Reads a nested caveat set in superfly's JSON form. */
  fromJSON(json: unknown): FlyCaveatEntry[];
  /** A nested caveat set in superfly's JSON form. */
  toJSON(caveats: readonly FlyCaveatEntry[]): FlyCaveat[];
}

/**
 * One caveat type. `V` is the lossless internal value; `toJSON`/`fromJSON` give superfly's JSON form
 * (what `json.Marshal` writes and `fly tokens attenuate` reads).
 *
 * @example
 * ```ts
 * import { FlyCaveatRegistry, type FlyCaveatType } from 'macaroon-engine/fly';
 * const Region: FlyCaveatType<string> = {
 *   id: 2n ** 48n + 7n, name: 'Region',
 *   decode: (r) => r.str('Region'), encode: (w, v) => { w.str(v); },
 *   fromJSON: (b) => String(b), toJSON: (v) => v,
 *   prohibits: () => [],
 * };
 * const registry = FlyCaveatRegistry.standard().extend([Region]);
 * ```
 */
export interface FlyCaveatType<V = unknown> {
  /** The caveat type id on the wire (see CaveatIds; user-defined ids start at CaveatIds.MinUserDefined). */
  readonly id: bigint;
  /** The type's name in superfly's JSON form (`"type"`). */
  readonly name: string;
  /** Other names accepted in JSON input (superfly's RegisterCaveatJSONAlias). */
  readonly aliases?: readonly string[] | undefined;
  /** Attestations are positive claims: skipped by validation, only allowed in proofs. */
  readonly attestation?: boolean | undefined;
  /** Reads the MessagePack body. */
  decode(r: MsgpackReader, sets: CaveatSetCodec): V;
  /** Writes the MessagePack body. */
  encode(w: MsgpackWriter, value: V, sets: CaveatSetCodec): void;
  /** Reads the body in superfly's JSON form. */
  fromJSON(body: unknown, sets: CaveatSetCodec): V;
  /** The body in superfly's JSON form. */
  toJSON(value: V, sets: CaveatSetCodec): unknown;
  /** The reasons this caveat denies the access; empty when it allows. */
  prohibits(value: V, access: CheckedAccess): FlyDenial[];
  /** Caveats wrapped inside (IfPresent), for expiration and inspection. */
  children?(value: V): readonly FlyCaveatEntry[];
}

/**
 * A decoded caveat: its type (undefined when unregistered), value, and for unregistered ones the raw body.
 *
 * @example
 * ```ts
 * const m = FlyMacaroon.decode(token);
 * const entries: readonly FlyCaveatEntry[] = verifyFlySignature(m, rootKey);
 * validateFlyCaveats(entries, { action: 'r', orgid: 7 }); // [] when allowed
 * ```
 */
export interface FlyCaveatEntry {
  /** The caveat type id on the wire. */
  readonly id: bigint;
  /** The registered type, or undefined for a type this registry does not know (it always denies). */
  readonly type: FlyCaveatType | undefined;
  /** The decoded body, as the type's `decode` returns it. */
  readonly value: unknown;
  /** The exact body bytes of an unregistered caveat (re-emitted verbatim). */
  readonly raw?: Uint8Array | undefined;
}

/**
 * A caveat in superfly's JSON form: `{ type: 'Organization', body: { id: 7, mask: 'r' } }`. Unregistered
 * types have their decimal id as `type`, their body decoded generically (display only) and `raw`, the
 * exact MessagePack bytes.
 *
 * @example
 * ```ts
 * const caveat: FlyCaveat = { type: 'Organization', body: { id: 7, mask: 'rw' } };
 * FlyMacaroon.decode(token).attenuate([caveat]).encode();
 * ```
 */
export interface FlyCaveat {
  /** The type's name, or its numeric id as text for an unregistered type. */
  readonly type: string;
  /** The body in superfly's JSON form. */
  readonly body: unknown;
  /** For an unregistered type: its exact MessagePack body, re-emitted as it came. */
  readonly raw?: Uint8Array | undefined;
}

export type { MsgpackValue };
