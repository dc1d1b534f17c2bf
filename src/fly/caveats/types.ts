/**
 * A caveat type: numeric id, JSON name, MessagePack body codec, JSON body codec and the check
 * (`Prohibits` in superfly/macaroon). Types are plain objects; a registry maps ids and names to them.
 */
import type { CheckedAccess, FlyDenial } from '../access.js';
import type { MsgpackReader, MsgpackValue, MsgpackWriter } from '../msgpack.js';

/** Reads and writes nested caveat sets (IfPresent) with the registry in force. */
export interface CaveatSetCodec {
  read(r: MsgpackReader): FlyCaveatEntry[];
  write(w: MsgpackWriter, caveats: readonly FlyCaveatEntry[]): void;
  fromJSON(json: unknown): FlyCaveatEntry[];
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
  readonly id: bigint;
  readonly name: string;
  /** Other names accepted in JSON input (superfly's RegisterCaveatJSONAlias). */
  readonly aliases?: readonly string[] | undefined;
  /** Attestations are positive claims: skipped by validation, only allowed in proofs. */
  readonly attestation?: boolean | undefined;
  decode(r: MsgpackReader, sets: CaveatSetCodec): V;
  encode(w: MsgpackWriter, value: V, sets: CaveatSetCodec): void;
  fromJSON(body: unknown, sets: CaveatSetCodec): V;
  toJSON(value: V, sets: CaveatSetCodec): unknown;
  /** The reasons this caveat denies the access; empty when it allows. */
  prohibits(value: V, access: CheckedAccess): FlyDenial[];
  /** Caveats wrapped inside (IfPresent), for expiration and inspection. */
  children?(value: V): readonly FlyCaveatEntry[];
}

/** A decoded caveat: its type (undefined when unregistered), value, and for unregistered ones the raw body. */
export interface FlyCaveatEntry {
  readonly id: bigint;
  readonly type: FlyCaveatType | undefined;
  readonly value: unknown;
  /** The exact body bytes of an unregistered caveat (re-emitted verbatim). */
  readonly raw?: Uint8Array | undefined;
}

/**
 * A caveat in superfly's JSON form: `{ type: 'Organization', body: { id: 7, mask: 'r' } }`. Unregistered
 * types have their decimal id as `type`, their body decoded generically (display only) and `raw`, the
 * exact MessagePack bytes.
 */
export interface FlyCaveat {
  readonly type: string;
  readonly body: unknown;
  readonly raw?: Uint8Array | undefined;
}

export type { MsgpackValue };
