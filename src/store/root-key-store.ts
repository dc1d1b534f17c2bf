/**
 * A root-key store with macaroon-bakery's semantics (bakery/dbrootkeystore), over any backing: `get(id)`
 * for verifying, `rootKey()` for minting, which rotates by policy. Keys and revocations the node has seen
 * are kept in memory, so a verification whose key is known needs no I/O: with the server down or slow,
 * those keep working, and everything else fails closed (StoreUnavailableError, a 503).
 */

import { bytesToHex, describeType, utf8DecodeStrict } from '../bytes.js';
import { base64UrlEncode } from '../codec/base64.js';
import { InvalidArgumentError } from '../errors.js';
import { SUGGESTED_SECRET_LENGTH } from '../macaroon.js';
import { randomBytes } from '../random.js';
import { StoreUnavailableError } from './errors.js';
import { identifierDigest, RevocationList } from './revocations.js';
import type { Revocation, RootKeyBacking, RootKeyRecord, RotationPolicy } from './types.js';

/**
 * Options of `RootKeyStore.open`: the rotation policy, the clock and the deadlines.
 *
 * @example
 * ```ts
 * const options: RootKeyStoreOptions = { policy: { generateIntervalMs: 86_400_000, expiryMs: 7 * 86_400_000 }, timeoutMs: 500 };
 * await RootKeyStore.open(new MemoryBacking(), options);
 * ```
 */
export interface RootKeyStoreOptions {
  /** When a new key is made and how long keys verify. */
  readonly policy: RotationPolicy;
  /** The clock, in milliseconds since the epoch (default Date.now). */
  readonly now?: (() => number) | undefined;
  /** Longest wait for the backend before failing closed, in milliseconds (default 1000). */
  readonly timeoutMs?: number | undefined;
  /** How long an unknown key id is remembered as unknown, in milliseconds (default 1000). */
  readonly notFoundMs?: number | undefined;
  /** Reload every revocation this often, in milliseconds, besides after each reconnect (default 30 s; 0: never). */
  readonly resyncIntervalMs?: number | undefined;
}

/**
 * What a store tells its listeners (a verified-token cache drops what is no longer valid).
 *
 * @example
 * ```ts
 * store.subscribe((event: StoreEvent) => {
 *   if (event.kind === 'revoked') console.info('revoked', event.revocation.kind, event.revocation.value);
 * });
 * ```
 */
export type StoreEvent =
  | {
      /** A macaroon or a root key was revoked (by this node or another). */
      readonly kind: 'revoked';
      /** What was revoked. */
      readonly revocation: Revocation;
    }
  | {
      /** The store reconnected or reloaded: anything cached from it must be checked again. */
      readonly kind: 'resync';
    };

/**
 * What to revoke: one macaroon (by its root identifier) or every macaroon of a root key.
 *
 * @example
 * ```ts
 * const one: RevocationTarget = { identifier: macaroon.identifier }; // this token and its attenuations
 * const all: RevocationTarget = { keyId: 'e3b0c44298fc1c149afbf4c8996fb924' }; // every token of a key
 * await store.revoke(one);
 * ```
 */
export type RevocationTarget =
  | {
      /** The root macaroon's identifier: revokes it and every macaroon attenuated from it. */
      readonly identifier: Uint8Array | string;
    }
  | {
      /** A root key's id: revokes every macaroon minted with that key. */
      readonly keyId: string;
    };

const MAX_KEYS = 1024;
const MAX_NOT_FOUND = 4096;

function checkMs(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(
      `${name} must be a number of milliseconds >= ${min}, got ${describeType(value)}`,
    );
  }
  return value;
}

/**
 * The key id an identifier names: its text before the first `:` (the form newIdentifier writes).
 *
 * @example
 * ```ts
 * keyIdOf(new TextEncoder().encode('e3b0c44298fc1c149afbf4c8996fb924:abc')); // 'e3b0c44298fc1c149afbf4c8996fb924'
 * ```
 */
export function keyIdOf(identifier: Uint8Array): string | undefined {
  const colon = identifier.indexOf(0x3a /* : */);
  if (colon <= 0 || colon > 64) return undefined;
  return utf8DecodeStrict(identifier.subarray(0, colon));
}

/**
 * Root keys with macaroon-bakery's rotation semantics, and revocations, over any backing (memory, file,
 * Redis, PostgreSQL); what a Gateway's `store` option takes.
 *
 * @example
 * ```ts
 * const store = await RootKeyStore.open(new MemoryBacking(), { policy: { expiryMs: 86_400_000 } });
 * const { identifier, key } = await store.newIdentifier(); // mint with the current key
 * const token = Macaroon.create('https://api.example/', key, identifier).serialize();
 * await store.revoke({ identifier }); // on every node sharing the backing
 * ```
 */
export class RootKeyStore {
  readonly #backing: RootKeyBacking;
  readonly #generateIntervalMs: number;
  readonly #expiryMs: number;
  readonly #now: () => number;
  /** True when `#now` is Date.now: a caller's reading of it may then stand in for a read of our own. */
  readonly #systemClock: boolean;
  readonly #timeoutMs: number;
  readonly #notFoundMs: number;
  readonly #keys = new Map<string, RootKeyRecord>();
  readonly #notFound = new Map<string, number>();
  readonly #pending = new Map<string, Promise<RootKeyRecord | undefined>>();
  readonly #revocations = new RevocationList();
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  #current: RootKeyRecord | undefined;
  #minting: Promise<RootKeyRecord> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /** Use `RootKeyStore.open`: a store is usable once its revocations are loaded. */
  private constructor(backing: RootKeyBacking, options: RootKeyStoreOptions) {
    if (typeof options !== 'object' || options === null || typeof options.policy !== 'object') {
      throw new InvalidArgumentError('options.policy is required: { expiryMs, generateIntervalMs? }');
    }
    this.#backing = backing;
    this.#expiryMs = checkMs(options.policy.expiryMs, 'policy.expiryMs', 0);
    this.#generateIntervalMs = checkMs(
      options.policy.generateIntervalMs ?? this.#expiryMs,
      'policy.generateIntervalMs',
      0,
    );
    if (this.#generateIntervalMs === 0 && this.#expiryMs === 0) {
      throw new InvalidArgumentError('policy.expiryMs must be positive');
    }
    this.#now = options.now ?? Date.now;
    this.#systemClock = options.now === undefined;
    this.#timeoutMs = checkMs(options.timeoutMs ?? 1000, 'timeoutMs', 1);
    this.#notFoundMs = checkMs(options.notFoundMs ?? 1000, 'notFoundMs', 0);
    const resync = checkMs(options.resyncIntervalMs ?? 30_000, 'resyncIntervalMs', 0);
    if (resync > 0) {
      this.#timer = setInterval(() => {
        this.#reload().catch(() => {}); // a failed reload is retried at the next tick or reconnect
      }, resync);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /**
   * Opens a store on `backing`: loads every revocation and subscribes to those other nodes publish.
   * Rejects with StoreUnavailableError when the backend cannot be reached.
   *
   * @example
   * ```ts
   * const store = await RootKeyStore.open(new MemoryBacking(), { policy: { expiryMs: 3_600_000 } });
   * const { identifier, key } = await store.newIdentifier();
   * ```
   */
  static async open(backing: RootKeyBacking, options: RootKeyStoreOptions): Promise<RootKeyStore> {
    const store = new RootKeyStore(backing, options);
    try {
      await store.#reload();
      await store.#call(
        backing.subscribe({
          revoked: (r) => store.#heard(r),
          resync: () => {
            store.#reload().catch(() => {});
          },
        }),
      );
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  /** Milliseconds a key verifies after its creation: generateIntervalMs + expiryMs. */
  get keyLifetimeMs(): number {
    return this.#generateIntervalMs + this.#expiryMs;
  }

  /**
   * The key to mint with (bakery's `RootKey`): the newest key created within the last generateIntervalMs
   * whose expiry still covers a token minted now; a new key when there is none.
   */
  rootKey(): Promise<RootKeyRecord> {
    const now = this.#now();
    const current = this.#current;
    if (current && this.#fitsPolicy(current, now)) return Promise.resolve(current);
    for (const k of this.#keys.values()) {
      if (this.#fitsPolicy(k, now) && (!this.#current || k.created > this.#current.created))
        this.#current = k;
    }
    if (this.#current && this.#fitsPolicy(this.#current, now)) return Promise.resolve(this.#current);
    this.#minting ??= this.#findOrCreate(now).finally(() => {
      this.#minting = undefined;
    });
    return this.#minting;
  }

  /**
   * A fresh identifier naming the current key, and that key, to mint with: `Macaroon.create(location,
   * key, identifier)`.
   */
  async newIdentifier(): Promise<{
    /** A fresh identifier, `<key id>:<random>`. */
    identifier: string;
    /** The current key, to mint the macaroon with. */
    key: Uint8Array;
    /** The current key's id. */
    keyId: string;
  }> {
    const k = await this.rootKey();
    return { identifier: `${k.id}:${base64UrlEncode(randomBytes(16))}`, key: k.key, keyId: k.id };
  }

  /**
   * The live key with id `id` (bakery's `Get`): synchronously when this node knows it, else from the
   * backend. `undefined` when there is none (unknown, expired or deleted). Rejects with
   * StoreUnavailableError when the backend is needed and unreachable. `now`: Date.now() as the caller
   * just read it, to spare a second read of the clock (a store given a clock of its own reads that).
   */
  get(id: string, now?: number): RootKeyRecord | undefined | Promise<RootKeyRecord | undefined> {
    now = this.#time(now);
    const known = this.#keys.get(id);
    if (known) {
      if (now <= known.expires) return known;
      this.#keys.delete(id);
      return undefined;
    }
    const until = this.#notFound.get(id);
    if (until !== undefined) {
      if (now < until) return undefined;
      this.#notFound.delete(id);
    }
    let pending = this.#pending.get(id);
    if (!pending) {
      pending = this.#fetch(id).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return pending;
  }

  /** The key a macaroon identifier names, for a gateway's `rootKey`: sync when known, else a promise. */
  readonly resolver = (identifier: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined> => {
    const id = keyIdOf(identifier);
    if (id === undefined) return undefined;
    const found = this.get(id);
    if (found instanceof Promise) return found.then((k) => k?.key);
    return found?.key;
  };

  /** The key id an identifier names (the text before its first `:`). */
  keyIdOf(identifier: Uint8Array): string | undefined {
    return keyIdOf(identifier);
  }

  /**
   * Revokes one macaroon (and every macaroon attenuated from it, which shares its identifier) or every
   * macaroon of a root key, on every node. The entry is dropped once those tokens could not verify
   * anyway: when their key expires (default), or at `expires`.
   */
  async revoke(
    target: RevocationTarget,
    options: { readonly expires?: number | undefined } = {},
  ): Promise<Revocation> {
    let revocation: Revocation;
    if (typeof target !== 'object' || target === null) {
      throw new InvalidArgumentError('revoke takes { identifier } or { keyId }');
    }
    if ('keyId' in target) {
      if (typeof target.keyId !== 'string' || target.keyId === '') {
        throw new InvalidArgumentError('keyId must be a non-empty string');
      }
      revocation = {
        kind: 'key',
        value: target.keyId,
        expires: await this.#expiryFor(target.keyId, options),
      };
    } else {
      const id =
        typeof target.identifier === 'string'
          ? new TextEncoder().encode(target.identifier)
          : target.identifier;
      if (!(id instanceof Uint8Array))
        throw new InvalidArgumentError('identifier must be a string or a Uint8Array');
      const keyId = keyIdOf(id);
      revocation = {
        kind: 'identifier',
        value: identifierDigest(id),
        expires: await this.#expiryFor(keyId, options),
      };
    }
    await this.#call(this.#backing.addRevocation(revocation));
    this.#heard(revocation);
    return revocation;
  }

  /**
   * True when the macaroon with this identifier digest (identifierDigest) or its key is revoked. Only
   * memory is read: this node hears revocations as they are published. `now`: as for `get`.
   */
  isRevoked(digest: string, keyId: string | undefined, now?: number): boolean {
    return this.#revocations.isRevoked(digest, keyId, this.#time(now));
  }

  /** The time now by this store's clock: the caller's reading of Date.now() when that is the clock. */
  #time(now: number | undefined): number {
    return now !== undefined && this.#systemClock ? now : this.#now();
  }

  /** Deletes a key on every node now: it is revoked (so nodes drop it) and removed from the backend. */
  async deleteKey(id: string): Promise<void> {
    const expires = await this.#expiryFor(id, {});
    const revocation: Revocation = { kind: 'key', value: id, expires };
    await this.#call(this.#backing.addRevocation(revocation));
    await this.#call(this.#backing.deleteKey(id));
    this.#heard(revocation);
  }

  /** Calls `listener` on each revocation heard and each reload; returns a function that unsubscribes. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Revocations held in memory. */
  get revocationCount(): number {
    return this.#revocations.size;
  }

  /** Stops listening to the backing and closes it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#listeners.clear();
    await this.#backing.close().catch(() => {});
  }

  #fitsPolicy(k: RootKeyRecord, now: number): boolean {
    return (
      k.created >= now - this.#generateIntervalMs &&
      k.expires >= now + this.#expiryMs &&
      k.expires <= now + this.#expiryMs + this.#generateIntervalMs
    );
  }

  async #findOrCreate(now: number): Promise<RootKeyRecord> {
    let k = await this.#call(
      this.#backing.findLatestKey(
        now - this.#generateIntervalMs,
        now + this.#expiryMs,
        now + this.#expiryMs + this.#generateIntervalMs,
      ),
    );
    if (!k) {
      k = Object.freeze({
        id: bytesToHex(randomBytes(16)),
        key: randomBytes(SUGGESTED_SECRET_LENGTH),
        created: now,
        expires: now + this.#expiryMs + this.#generateIntervalMs,
      });
      await this.#call(this.#backing.insertKey(k));
    }
    this.#remember(k);
    this.#current = k;
    return k;
  }

  async #fetch(id: string): Promise<RootKeyRecord | undefined> {
    const k = await this.#call(this.#backing.getKey(id));
    const now = this.#now();
    if (!k || now > k.expires || this.#revocations.isRevoked('', id, now)) {
      if (this.#notFound.size >= MAX_NOT_FOUND) this.#notFound.clear();
      this.#notFound.set(id, now + this.#notFoundMs);
      return undefined;
    }
    this.#remember(k);
    return k;
  }

  #remember(k: RootKeyRecord): void {
    if (this.#keys.size >= MAX_KEYS) {
      const now = this.#now();
      for (const [id, old] of this.#keys) if (now > old.expires) this.#keys.delete(id);
      if (this.#keys.size >= MAX_KEYS) this.#keys.delete(this.#keys.keys().next().value as string);
    }
    this.#keys.set(k.id, k);
    this.#notFound.delete(k.id);
  }

  async #expiryFor(
    keyId: string | undefined,
    options: { readonly expires?: number | undefined },
  ): Promise<number> {
    if (options.expires !== undefined) return checkMs(options.expires, 'expires', 0);
    const k = keyId === undefined ? undefined : await this.get(keyId);
    // An unknown key: the longest any key of this policy can live from now.
    return k ? k.expires : this.#now() + this.keyLifetimeMs;
  }

  #heard(revocation: Revocation): void {
    const fresh = this.#revocations.add(revocation);
    if (revocation.kind === 'key') {
      this.#keys.delete(revocation.value);
      if (this.#current?.id === revocation.value) this.#current = undefined;
    }
    if (fresh) this.#emit({ kind: 'revoked', revocation });
  }

  async #reload(): Promise<void> {
    const now = this.#now();
    const list = await this.#call(this.#backing.loadRevocations(now));
    this.#revocations.replace(list);
    for (const r of list) {
      if (r.kind === 'key') {
        this.#keys.delete(r.value);
        if (this.#current?.id === r.value) this.#current = undefined;
      }
    }
    this.#emit({ kind: 'resync' });
  }

  #emit(event: StoreEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the store goes on.
      }
    }
  }

  /** Runs a backend call with the store's deadline; any failure becomes StoreUnavailableError. */
  #call<T>(promise: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new StoreUnavailableError(`the root-key store did not answer within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    return Promise.race([promise, deadline]).then(
      (v) => {
        clearTimeout(timer);
        return v;
      },
      (e: unknown) => {
        clearTimeout(timer);
        throw e instanceof StoreUnavailableError
          ? e
          : new StoreUnavailableError('the root-key store is unavailable', { cause: e });
      },
    );
  }
}
