/**
 * What a root-key store holds and how its backends (memory, file, Redis, PostgreSQL) are driven. The
 * algorithm is macaroon-bakery's (bakery/dbrootkeystore): a key mints for `generateIntervalMs`, the
 * tokens it mints live at most `expiryMs`, so it verifies until `created + generateIntervalMs +
 * expiryMs` and is deleted then.
 */

/**
 * One root key. Times are milliseconds since the epoch.
 *
 * @example
 * ```ts
 * const record: RootKeyRecord = await store.rootKey(); // the key to mint with
 * Macaroon.create('https://api.example/', record.key, `${record.id}:${crypto.randomUUID()}`);
 * ```
 */
export interface RootKeyRecord {
  /** 32 lower-case hex characters (bakery's form); carried in every macaroon identifier it mints. */
  readonly id: string;
  /** The root key's bytes: a secret. */
  readonly key: Uint8Array;
  /** When the key was made, in milliseconds since the epoch. */
  readonly created: number;
  /** The key verifies while `now <= expires`, and is deleted after. */
  readonly expires: number;
}

/**
 * When a new key is made and how long keys verify (bakery's `dbrootkeystore.Policy`).
 *
 * @example
 * ```ts
 * const policy: RotationPolicy = { generateIntervalMs: 86_400_000, expiryMs: 7 * 86_400_000 }; // daily keys, week-long tokens
 * await RootKeyStore.open(new MemoryBacking(), { policy });
 * ```
 */
export interface RotationPolicy {
  /**
   * How long one key is used for minting, in milliseconds (bakery's GenerateInterval; default:
   * expiryMs). After that, `rootKey()` makes a new one.
   */
  readonly generateIntervalMs?: number | undefined;
  /**
   * The longest a minted token must keep verifying, in milliseconds (bakery's ExpiryDuration): a key
   * verifies for `generateIntervalMs + expiryMs` after its creation, then is deleted.
   */
  readonly expiryMs: number;
}

/**
 * A revoked macaroon (by the SHA-256 of its identifier, hex) or a revoked root key (by its id).
 *
 * @example
 * ```ts
 * const revocation: Revocation = await store.revoke({ identifier: macaroon.identifier });
 * revocation.kind; // 'identifier'; revocation.value is identifierDigest(macaroon.identifier)
 * ```
 */
export interface Revocation {
  /** What is revoked: one macaroon (`identifier`) or every macaroon of a root key (`key`). */
  readonly kind: 'identifier' | 'key';
  /** For `identifier`: hex SHA-256 of the root macaroon's identifier bytes. For `key`: the key id. */
  readonly value: string;
  /** Milliseconds since the epoch after which the entry is dropped (the token could not verify anyway). */
  readonly expires: number;
}

/**
 * Told what a backend heard from other nodes: a new revocation, or that it must reload everything.
 *
 * @example
 * ```ts
 * const backing = new MemoryBacking();
 * const events: BackingEvents = { revoked: (r) => console.info('revoked', r.value), resync: () => {} };
 * await backing.subscribe(events);
 * ```
 */
export interface BackingEvents {
  /** Another node revoked a macaroon or a key. */
  revoked(revocation: Revocation): void;
  /** The backend reconnected (and may have missed events): reload the revocations. */
  resync(): void;
}

/**
 * Where keys and revocations live. Every method may reject when the server is unreachable; the store
 * turns that into a fail-closed answer (503), never into a success.
 *
 * @example
 * ```ts
 * // A backing over another database implements these eight methods; RootKeyStore does the rest.
 * const backing: RootKeyBacking = new MemoryBacking();
 * await RootKeyStore.open(backing, { policy: { expiryMs: 86_400_000 } });
 * ```
 */
export interface RootKeyBacking {
  /** The key with this id, or undefined when there is none. */
  getKey(id: string): Promise<RootKeyRecord | undefined>;
  /** The newest key with created >= createdAfter and expiresAfter <= expires <= expiresBefore. */
  findLatestKey(
    createdAfter: number,
    expiresAfter: number,
    expiresBefore: number,
  ): Promise<RootKeyRecord | undefined>;
  /** Stores a new key. */
  insertKey(key: RootKeyRecord): Promise<void>;
  /** Removes a key now (an operator's decision; rotation never needs it). */
  deleteKey(id: string): Promise<void>;
  /** Stores a revocation and tells every other node at once. */
  addRevocation(revocation: Revocation): Promise<void>;
  /** Every revocation not yet expired at `now`. */
  loadRevocations(now: number): Promise<Revocation[]>;
  /** Starts delivering events from other nodes. */
  subscribe(events: BackingEvents): Promise<void>;
  /** Releases connections; the backing is not used after. */
  close(): Promise<void>;
}
