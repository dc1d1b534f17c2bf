/**
 * FlyMacaroon: the immutable value of a token in superfly/macaroon's format (macaroon.go): a MessagePack
 * array [nonce, location, caveats, tail]; tail = HMAC chain over mp(nonce) and then over each caveat as a
 * one-element caveat set. Every method returns a new value.
 */
import { bytesEqual } from '../bytes.js';
import { DecodeError, InvalidArgumentError, LimitExceededError } from '../errors.js';
import { DEFAULT_LIMITS, type Limits, resolveLimits } from '../limits.js';
import { randomBytes } from '../random.js';
import { FlyCaveatRegistry } from './caveats/registry.js';
import { CaveatIds, type ThirdPartyValue } from './caveats/standard.js';
import type { FlyCaveat, FlyCaveatEntry } from './caveats/types.js';
import { finalizeProof, hmac, seal, sha256, unseal } from './crypto.js';
import { MsgpackReader, MsgpackWriter } from './msgpack.js';
import { decodeStdBase64, encodeFlyToken, TOKEN_LABELS } from './text.js';

/**
 * The nonce: key id, 16 random bytes, proof flag (absent in legacy 2-field nonces).
 *
 * @example
 * ```ts
 * const nonce: FlyNonce = FlyMacaroon.decode(token).nonce;
 * new TextDecoder().decode(nonce.kid ?? new Uint8Array()); // the key id the token was minted under
 * ```
 */
export interface FlyNonce {
  /** The key id: which root key (or, for a discharge, which ticket) signed the token. */
  readonly kid: Uint8Array | null;
  /** Random bytes that make each token's nonce unique. */
  readonly rnd: Uint8Array | null;
  /** A proof (discharge) rather than a permission token. */
  readonly proof: boolean;
  /** 0: legacy [kid, rnd]; 1: [kid, rnd, proof]. Re-encoded as decoded. */
  readonly version: 0 | 1;
}

/**
 * Options for decoding.
 *
 * @example
 * ```ts
 * const options: FlyDecodeOptions = { registry: FlyCaveatRegistry.standard(), limits: { maxCaveats: 32 } };
 * FlyMacaroon.decode(token, options);
 * ```
 */
export interface FlyDecodeOptions {
  /** Caveat types to recognise (default: superfly's standard ones). */
  readonly registry?: FlyCaveatRegistry | undefined;
  /** Size and count limits (the library's usual ones). */
  readonly limits?: Partial<Limits> | undefined;
}

/**
 * A caveat to add: superfly's JSON form, or an entry taken from another token.
 *
 * @example
 * ```ts
 * const caveats: FlyCaveatInput[] = [
 *   { type: 'Organization', body: { id: 7, mask: 'r' } },
 *   { type: 'ValidityWindow', body: { not_before: 0, not_after: Math.floor(Date.now() / 1000) + 3600 } },
 * ];
 * FlyMacaroon.decode(token).attenuate(caveats);
 * ```
 */
export type FlyCaveatInput =
  | FlyCaveat
  | {
      /** The type's name (`'Organization'`) or its numeric id. */
      readonly type: string | number | bigint;
      /** The body in superfly's JSON form. */
      readonly body?: unknown;
      /** A MessagePack body, as is (for a type the registry does not know). */
      readonly raw?: Uint8Array | undefined;
    };

/** Deepest IfPresent (and generic value) nesting read from a token. */
export const MAX_NESTING = 16;

const MIN_TOKEN = 1;

function writeNonce(w: MsgpackWriter, n: FlyNonce): MsgpackWriter {
  w.array(n.version === 1 ? 3 : 2)
    .bin(n.kid)
    .bin(n.rnd);
  if (n.version === 1) w.bool(n.proof);
  return w;
}

function nonceBytes(n: FlyNonce): Uint8Array {
  return writeNonce(new MsgpackWriter(), n).bytes();
}

/**
 * A Fly.io-format macaroon.
 *
 * @example
 * ```ts
 * import { FlyMacaroon } from 'macaroon-engine/fly';
 * const key = crypto.getRandomValues(new Uint8Array(32));
 * const m = FlyMacaroon.create({ key, kid: new Uint8Array([1, 2, 3]), location: 'https://api.fly.io/v1' })
 *   .attenuate([{ type: 'Organization', body: { id: 7, mask: 'r' } }]);
 * const token = m.encode(); // 'fm2_…'
 * FlyMacaroon.decode(token).caveats; // [{ type: 'Organization', body: { id: 7, mask: 'r' } }]
 * ```
 */
export class FlyMacaroon {
  /** Where the token is used: the permission token's service, or the third party of a discharge. */
  readonly location: string;
  /** The caveat types this token was read or created with. */
  readonly registry: FlyCaveatRegistry;
  /** @internal */
  readonly entries: readonly FlyCaveatEntry[];
  readonly #nonce: FlyNonce;
  readonly #tail: Uint8Array;
  /** A proof still being built (caveats may be added; encoding finalizes it). */
  readonly #unfinalized: boolean;

  private constructor(
    nonce: FlyNonce,
    location: string,
    entries: readonly FlyCaveatEntry[],
    tail: Uint8Array,
    unfinalized: boolean,
    registry: FlyCaveatRegistry,
  ) {
    this.#nonce = Object.freeze({ ...nonce });
    this.location = location;
    this.entries = Object.freeze([...entries]);
    this.#tail = tail;
    this.#unfinalized = unfinalized;
    this.registry = registry;
    Object.freeze(this);
  }

  /**
   * Mints a token (macaroon.New). `key`: the root key (32 random bytes; used directly as the HMAC key).
   * `kid`: your key id, opaque bytes. `proof: true` mints a proof (a discharge-style token that is
   * finalized when encoded).
   *
   * @example
   * ```ts
   * const key = crypto.getRandomValues(new Uint8Array(32)); // the root key, kept secret
   * const m = FlyMacaroon.create({ key, kid: new TextEncoder().encode('org-7-key-1'), location: 'https://api.example/' });
   * ```
   */
  static create(options: {
    key: Uint8Array;
    kid: Uint8Array;
    location: string;
    proof?: boolean | undefined;
    registry?: FlyCaveatRegistry | undefined;
  }): FlyMacaroon {
    const { key, kid, location } = options;
    if (!(key instanceof Uint8Array) || key.length === 0)
      throw new InvalidArgumentError('key must be a non-empty Uint8Array');
    if (!(kid instanceof Uint8Array)) throw new InvalidArgumentError('kid must be a Uint8Array');
    if (typeof location !== 'string') throw new InvalidArgumentError('location must be a string');
    const proof = options.proof === true;
    const nonce: FlyNonce = { kid: kid.slice(), rnd: randomBytes(16), proof, version: 1 };
    const registry = options.registry ?? FlyCaveatRegistry.standard();
    return new FlyMacaroon(nonce, location, [], hmac(key, nonceBytes(nonce)), proof, registry);
  }

  /**
   * Reads a token: `fm2_…`, `fm1r_…`, `fm1a_…` text or raw MessagePack bytes. Throws DecodeError or
   * LimitExceededError.
   *
   * @example
   * ```ts
   * const m = FlyMacaroon.decode('fm2_lJO…');
   * m.location; m.kid; m.caveats;
   * ```
   */
  static decode(data: string | Uint8Array, options: FlyDecodeOptions = {}): FlyMacaroon {
    const limits = resolveLimits(options.limits);
    let bytes: Uint8Array;
    if (typeof data === 'string') {
      if (data.length > limits.maxTokenBytes * 2) {
        throw new LimitExceededError(`token text of ${data.length} characters is over the limit`);
      }
      const cut = data.indexOf('_');
      const label = cut < 0 ? '' : data.slice(0, cut);
      if (!(TOKEN_LABELS as readonly string[]).includes(label)) {
        throw new DecodeError('not a Fly token (expected fm2_, fm1r_ or fm1a_)');
      }
      const raw = decodeStdBase64(data.slice(cut + 1));
      if (raw === undefined) throw new DecodeError('Fly token is not standard padded base64');
      bytes = raw;
    } else if (data instanceof Uint8Array) {
      bytes = data;
    } else {
      throw new InvalidArgumentError('token must be a string or a Uint8Array');
    }
    return FlyMacaroon.fromBytes(bytes, options.registry ?? FlyCaveatRegistry.standard(), limits);
  }

  /** @internal */
  static fromBytes(
    bytes: Uint8Array,
    registry: FlyCaveatRegistry,
    limits: Limits = DEFAULT_LIMITS,
  ): FlyMacaroon {
    if (bytes.length < MIN_TOKEN) throw new DecodeError('empty Fly token');
    if (bytes.length > limits.maxTokenBytes) {
      throw new LimitExceededError(
        `token of ${bytes.length} bytes is over the limit of ${limits.maxTokenBytes}`,
      );
    }
    const r = new MsgpackReader(bytes, {
      maxDepth: MAX_NESTING,
      maxElements: Math.max(limits.maxCaveats * 2, 16),
      maxFieldBytes: limits.maxFieldBytes,
    });
    if (r.arrayLen('macaroon') !== 4)
      r.fail('a Fly macaroon is an array of 4 (nonce, location, caveats, tail)');
    const fields = r.arrayLen('nonce');
    if (fields !== 2 && fields !== 3) r.fail(`unknown nonce format: ${fields} fields`);
    const kid = r.bin('nonce kid');
    const rnd = r.bin('nonce rnd');
    const proof = fields === 3 ? r.bool('nonce proof') : false;
    const location = r.str('location');
    const entries = registry.read(r);
    if (entries.length > limits.maxCaveats) {
      throw new LimitExceededError(`more than ${limits.maxCaveats} caveats`);
    }
    const tail = r.bin('tail') ?? new Uint8Array(0);
    // Bytes after the 4-array are ignored, as msgpack.Unmarshal does.
    const nonce: FlyNonce = { kid, rnd, proof, version: fields === 3 ? 1 : 0 };
    return new FlyMacaroon(nonce, location, entries, tail, false, registry);
  }

  /** The key id (the nonce's kid): what your key lookup receives. For a discharge, the ticket. */
  get kid(): Uint8Array {
    return (this.#nonce.kid ?? new Uint8Array(0)).slice();
  }

  /** The nonce: key id, random bytes, and whether the token is a proof. */
  get nonce(): FlyNonce {
    const n = this.#nonce;
    return Object.freeze({
      kid: n.kid?.slice() ?? null,
      rnd: n.rnd?.slice() ?? null,
      proof: n.proof,
      version: n.version,
    });
  }

  /** True for proofs (discharges minted by a third party are proofs). */
  get isProof(): boolean {
    return this.#nonce.proof;
  }

  /** The tail (signature) as it would be encoded now (a proof being built shows its finalized tail). */
  get tail(): Uint8Array {
    return (this.#unfinalized ? finalizeProof(this.#tail) : this.#tail).slice();
  }

  /** @internal the chain value before proof finalization */
  get rawTail(): Uint8Array {
    return this.#tail;
  }

  /** @internal */
  get unfinalized(): boolean {
    return this.#unfinalized;
  }

  /** The caveats in superfly's JSON form, in order; unregistered types keep their raw bytes. */
  get caveats(): FlyCaveat[] {
    return this.registry.toJSON(this.entries);
  }

  /** The nonce as MessagePack, as the chain's first HMAC input. */
  nonceBytes(): Uint8Array {
    return nonceBytes(this.#nonce);
  }

  /**
   * Adds caveats (Macaroon.Add): each one extends the HMAC chain; a caveat whose encoding equals one the
   * token already has is dropped (superfly deduplicates). Refuses caveats on a finalized proof and
   * attestations on non-proofs.
   *
   * @example
   * ```ts
   * const m = FlyMacaroon.decode(token);
   * const ci = m.attenuate([{ type: 'Apps', body: { apps: { '9': 'rwcdC' } } }]);
   * ```
   */
  attenuate(caveats: readonly (FlyCaveatInput | FlyCaveatEntry)[]): FlyMacaroon {
    if (!Array.isArray(caveats)) throw new InvalidArgumentError('caveats must be an array');
    const entries = caveats.map((c, i) =>
      'id' in c && typeof (c as FlyCaveatEntry).id === 'bigint' && 'value' in c
        ? (c as FlyCaveatEntry)
        : this.registry.entryFromJSON(c, i),
    );
    return this.#add(entries);
  }

  #add(added: readonly FlyCaveatEntry[], thirdPartyKeys?: Map<FlyCaveatEntry, Uint8Array>): FlyMacaroon {
    if (this.#nonce.proof && !this.#unfinalized)
      throw new InvalidArgumentError("can't add caveats to a finalized proof");
    const seen = new Set(this.entries.map((e) => this.#caveatKey(e)));
    const entries = [...this.entries];
    let tail = this.#tail;
    const seen3P = new Set(
      collect(this.entries, CaveatIds.ThirdParty).map((v) => (v as ThirdPartyValue).location),
    );
    for (const c of added) {
      const key = this.#caveatKey(c);
      if (seen.has(key)) continue;
      seen.add(key);
      if (c.type?.attestation && !this.#nonce.proof) {
        throw new InvalidArgumentError('cannot add attestations to non-proof macaroons');
      }
      let entry = c;
      if (c.id === CaveatIds.ThirdParty && c.type) {
        const v = c.value as ThirdPartyValue;
        const rn = thirdPartyKeys?.get(c);
        if (rn === undefined) throw new InvalidArgumentError('add third-party caveats with addThirdParty');
        if (seen3P.has(v.location)) {
          throw new InvalidArgumentError(`attempting to add multiple third-party caveats for ${v.location}`);
        }
        seen3P.add(v.location);
        // The verifier key is sealed under the tail before this caveat (macaroon.go Add).
        entry = Object.freeze({ ...c, value: Object.freeze({ ...v, verifierKey: seal(tail, rn) }) });
      }
      entries.push(entry);
      tail = hmac(tail, this.caveatBytes(entry));
    }
    return new FlyMacaroon(this.#nonce, this.location, entries, tail, this.#unfinalized, this.registry);
  }

  #caveatKey(e: FlyCaveatEntry): string {
    return Array.from(this.caveatBytes(e), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  /**
   * @internal The chain's HMAC inputs in order: the nonce, then each caveat as caveatBytes writes it
   * (written once into one buffer).
   */
  chainMessages(): Uint8Array[] {
    const w = writeNonce(new MsgpackWriter(), this.#nonce);
    const ends = [w.length];
    for (const e of this.entries) {
      this.registry.writeOne(w.array(2), e);
      ends.push(w.length);
    }
    const all = w.bytes();
    return ends.map((end, i) => all.subarray(i === 0 ? 0 : (ends[i - 1] as number), end));
  }

  /** mp(CaveatSet{c}): the chain's HMAC input for one caveat (0x92, type id, body). */
  caveatBytes(e: FlyCaveatEntry): Uint8Array {
    const w = new MsgpackWriter().array(2);
    this.registry.writeOne(w, e);
    return w.bytes();
  }

  /**
   * Adds a third-party caveat (Macaroon.Add3P): `key` is the 32-byte key shared with the third party at
   * `location`; `caveats` travel to it inside the sealed ticket (e.g. ConfineOrganization).
   *
   * @example
   * ```ts
   * const authKey = crypto.getRandomValues(new Uint8Array(32)); // shared with the third party
   * const m = FlyMacaroon.decode(token);
   * const t = m.addThirdParty({ key: authKey, location: 'https://auth.example/', caveats: [{ type: 'ConfineOrganization', body: { id: 7 } }] });
   * ```
   */
  addThirdParty(options: {
    key: Uint8Array;
    location: string;
    caveats?: readonly FlyCaveatInput[] | undefined;
  }): FlyMacaroon {
    const { key, location } = options;
    if (!(key instanceof Uint8Array) || key.length !== 32) {
      throw new InvalidArgumentError('third-party key must be 32 bytes');
    }
    if (typeof location !== 'string') throw new InvalidArgumentError('location must be a string');
    const ticketCaveats = this.registry.fromJSON(options.caveats ?? []);
    const rn = randomBytes(32);
    const w = new MsgpackWriter().array(2).bin(rn);
    this.registry.write(w, ticketCaveats);
    const type = this.registry.get(CaveatIds.ThirdParty);
    const entry: FlyCaveatEntry = Object.freeze({
      id: CaveatIds.ThirdParty,
      type,
      value: Object.freeze({ location, verifierKey: null, ticket: seal(key, w.bytes()) }),
    });
    return this.#add([entry], new Map([[entry, rn]]));
  }

  /**
   * Binds this discharge to a parent token (BindToParentMacaroon): adds BindToParentToken with the first
   * 16 bytes of SHA-256(parent tail). It then discharges only that token and its further attenuations.
   *
   * @example
   * ```ts
   * // The third party's key (shared with the token's issuer) and the token it discharges.
   * const authKey = crypto.getRandomValues(new Uint8Array(32));
   * const permission = FlyMacaroon.decode(token);
   * const { ticket } = permission.thirdPartyTickets()[0]!;
   * const { discharge } = FlyMacaroon.dischargeTicket({ key: authKey, location: 'https://auth.example/', ticket });
   * const bound = discharge.bindToParent(permission);
   * ```
   */
  bindToParent(parent: FlyMacaroon): FlyMacaroon {
    if (!(parent instanceof FlyMacaroon)) throw new InvalidArgumentError('parent must be a FlyMacaroon');
    const id = sha256(parent.tail).slice(0, 16);
    const type = this.registry.get(CaveatIds.BindToParentToken);
    return this.#add([Object.freeze({ id: CaveatIds.BindToParentToken, type, value: id })]);
  }

  /**
   * The third-party tickets still to discharge (AllThirdPartyTickets): location and ticket of every 3P
   * caveat (including those nested in IfPresent) that no given discharge answers.
   */
  thirdPartyTickets(discharges: readonly FlyMacaroon[] = []): {
    /** The third party's location. */
    location: string;
    /** The ticket to send it (see fetchFlyDischarges). */
    ticket: Uint8Array;
  }[] {
    const have = discharges.map((d) => d.kid);
    return collect(this.entries, CaveatIds.ThirdParty)
      .map((v) => v as ThirdPartyValue)
      .filter((v) => v.ticket !== null && !have.some((k) => bytesEqual(k, v.ticket as Uint8Array)))
      .map((v) => ({ location: v.location, ticket: (v.ticket as Uint8Array).slice() }));
  }

  /** The earliest not_after of every ValidityWindow (nested ones too), or undefined without any. */
  get expiration(): Date | undefined {
    const windows = collect(this.entries, CaveatIds.ValidityWindow) as { notAfter: bigint }[];
    if (windows.length === 0) return undefined;
    let min = windows[0]?.notAfter as bigint;
    for (const w of windows) if (w.notAfter < min) min = w.notAfter;
    return new Date(Number(min) * 1000);
  }

  /** The canonical MessagePack bytes (a proof being built is finalized in the output). */
  toBytes(): Uint8Array {
    const w = new MsgpackWriter().array(4).raw(this.nonceBytes()).str(this.location);
    this.registry.write(w, this.entries);
    w.bin(this.tail);
    return w.bytes();
  }

  /** `fm2_` + standard padded base64 (Macaroon.String). */
  encode(): string {
    return encodeFlyToken(this.toBytes());
  }

  /** The same token with a proof's tail finalized (what encode writes); other tokens are returned as they are. */
  finalize(): FlyMacaroon {
    if (!this.#unfinalized) return this;
    return new FlyMacaroon(
      this.#nonce,
      this.location,
      this.entries,
      finalizeProof(this.#tail),
      false,
      this.registry,
    );
  }

  /** For the third party: opens a ticket with its key (undefined if it does not open or decode). */
  static openTicket(
    key: Uint8Array,
    ticket: Uint8Array,
    registry: FlyCaveatRegistry = FlyCaveatRegistry.standard(),
  ):
    | {
        /** The root key of the discharge. */
        dischargeKey: Uint8Array;
        /** The ticket's caveats in superfly's JSON form. */
        caveats: FlyCaveat[];
        /** The ticket's caveats as decoded (what validateTicketCaveats takes). */
        entries: FlyCaveatEntry[];
      }
    | undefined {
    const plain = unseal(key, ticket);
    if (plain === undefined) return undefined;
    try {
      const r = new MsgpackReader(plain, { maxDepth: MAX_NESTING, maxElements: 512, maxFieldBytes: 16384 });
      if (!r.struct(2, 'ticket')) return undefined;
      const dischargeKey = r.bin('discharge key') ?? new Uint8Array(0);
      const entries = registry.read(r);
      return { dischargeKey, caveats: registry.toJSON(entries), entries };
    } catch {
      return undefined;
    }
  }

  /**
   * The third party's side (DischargeTicket): opens `ticket` with `key` and starts the discharge, a proof
   * with kid = ticket and root key = the ticket's key. Check `entries` with validateTicketCaveats
   * (`caveats` is their JSON view) before handing out `discharge.attenuate([...]).encode()`. Throws
   * DecodeError if the ticket does not open.
   *
   * @example
   * ```ts
   * const authKey = crypto.getRandomValues(new Uint8Array(32)); // shared with the token's issuer
   * const { ticket } = FlyMacaroon.decode(token).thirdPartyTickets()[0]!;
   * const { caveats, discharge } = FlyMacaroon.dischargeTicket({ key: authKey, location: 'https://auth.example/', ticket });
   * const now = Math.floor(Date.now() / 1000);
   * const d = discharge.attenuate([{ type: 'ValidityWindow', body: { not_before: now, not_after: now + 300 } }]).encode();
   * ```
   */
  static dischargeTicket(options: {
    key: Uint8Array;
    location: string;
    ticket: Uint8Array;
    registry?: FlyCaveatRegistry | undefined;
  }): {
    /** The ticket's caveats in superfly's JSON form. */
    caveats: FlyCaveat[];
    /** The ticket's caveats as decoded (what validateTicketCaveats takes). */
    entries: FlyCaveatEntry[];
    /** The discharge, ready to be attenuated and encoded. */
    discharge: FlyMacaroon;
  } {
    const registry = options.registry ?? FlyCaveatRegistry.standard();
    const opened = FlyMacaroon.openTicket(options.key, options.ticket, registry);
    if (opened === undefined) throw new DecodeError('ticket does not open with this key');
    const discharge = FlyMacaroon.create({
      key: opened.dischargeKey.length > 0 ? opened.dischargeKey : new Uint8Array(1),
      kid: options.ticket,
      location: options.location,
      proof: true,
      registry,
    });
    return { caveats: opened.caveats, entries: opened.entries, discharge };
  }
}

/** Values of every caveat with this id, including those nested in wrappers (GetCaveats). */
export function collect(entries: readonly FlyCaveatEntry[], id: bigint): unknown[] {
  const out: unknown[] = [];
  for (const e of entries) {
    if (e.id === id && e.type) out.push(e.value);
    const children = e.type?.children?.(e.value);
    if (children) out.push(...collect(children, id));
  }
  return out;
}
