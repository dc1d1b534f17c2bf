/**
 * macaroon-engine/store/open (Node): a root-key store from a URL, as the CLI and the example gateway
 * take it: `redis://…` or `rediss://…`, `postgres://…` or `postgresql://…`, `file:PATH`, or `memory:`.
 * The Redis and PostgreSQL clients are loaded only when their scheme is used.
 */
import { InvalidArgumentError } from '../errors.js';
import { MemoryBacking } from './memory.js';
import { RootKeyStore, type RootKeyStoreOptions } from './root-key-store.js';
import type { RootKeyBacking } from './types.js';

/**
 * Opens the store `url` names.
 *
 * @example
 * ```ts
 * import { openStore } from 'macaroon-engine/store/open';
 * const store = await openStore(process.env.GATEWAY_STORE ?? 'memory:', { policy: { expiryMs: 86_400_000 } });
 * ```
 */
export async function openStore(url: string, options: RootKeyStoreOptions): Promise<RootKeyStore> {
  return RootKeyStore.open(await openBacking(url), options);
}

/**
 * The backing `url` names (see openStore).
 *
 * @example
 * ```ts
 * import { RootKeyStore } from 'macaroon-engine/store';
 * import { openBacking } from 'macaroon-engine/store/open';
 *
 * const backing = await openBacking('redis://localhost:6379'); // or postgres://…, file:keys.json, memory:
 * const store = await RootKeyStore.open(backing, { policy: { expiryMs: 86_400_000 } });
 * ```
 */
export async function openBacking(url: string): Promise<RootKeyBacking> {
  if (typeof url !== 'string') throw new InvalidArgumentError('a store URL must be a string');
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  switch (scheme) {
    case 'redis:':
    case 'rediss:': {
      const { RedisBacking } = await import('./redis.js');
      return RedisBacking.connect({ url });
    }
    case 'postgres:':
    case 'postgresql:': {
      const { PostgresBacking } = await import('./postgres.js');
      return PostgresBacking.connect({ url });
    }
    case 'file:': {
      const { FileBacking } = await import('../node/file-backing.js');
      return FileBacking.open(url.slice('file:'.length).replace(/^\/\/(?=\/)/, ''));
    }
    case 'memory:':
      return new MemoryBacking();
    default:
      throw new InvalidArgumentError('a store URL starts with redis://, postgres://, file: or memory:');
  }
}
