/**
 * macaroon-engine/store: root keys with macaroon-bakery's rotation semantics, and revocations, in
 * memory (this module, any runtime), in a file (`macaroon-engine/store/file`), in Redis
 * (`macaroon-engine/store/redis`) or in PostgreSQL (`macaroon-engine/store/postgres`).
 */
export { StoreUnavailableError } from './errors.js';
export { MemoryBacking } from './memory.js';
export { identifierDigest, RevocationList } from './revocations.js';
export {
  keyIdOf,
  type RevocationTarget,
  RootKeyStore,
  type RootKeyStoreOptions,
  type StoreEvent,
} from './root-key-store.js';
export type { BackingEvents, Revocation, RootKeyBacking, RootKeyRecord, RotationPolicy } from './types.js';

import { MemoryBacking } from './memory.js';
import { RootKeyStore, type RootKeyStoreOptions } from './root-key-store.js';
import type { RotationPolicy } from './types.js';

/**
 * The policy the CLI and the example gateway use: a new key every day, and tokens that live up to a
 * week, so each key verifies for eight days after its creation.
 *
 * @example
 * ```ts
 * const store = await openMemoryStore({ policy: DEFAULT_ROTATION_POLICY });
 * ```
 */
export const DEFAULT_ROTATION_POLICY: RotationPolicy = Object.freeze({
  generateIntervalMs: 86_400_000,
  expiryMs: 7 * 86_400_000,
});

/**
 * The embedded store: keys and revocations in this process's memory, no server.
 *
 * @example
 * ```ts
 * import { openMemoryStore } from 'macaroon-engine/store';
 * const store = await openMemoryStore({ policy: { generateIntervalMs: 3_600_000, expiryMs: 86_400_000 } });
 * const { identifier, key } = await store.newIdentifier();
 * ```
 */
export function openMemoryStore(options: RootKeyStoreOptions): Promise<RootKeyStore> {
  return RootKeyStore.open(new MemoryBacking(), options);
}
