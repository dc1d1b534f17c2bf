/**
 * Errors of the root-key stores. Like the library's own, they carry a stable `code` and never contain
 * keys or tokens.
 */
import { MacaroonError } from '../errors.js';

/**
 * The store's server could not be reached in time (down, slow, or reconnecting). Not the token's fault:
 * a gateway answers 503, never 200.
 *
 * @example
 * ```ts
 * const store = await RootKeyStore.open(new MemoryBacking(), { policy: { expiryMs: 86_400_000 } });
 * try {
 *   await store.newIdentifier();
 * } catch (e) {
 *   if (e instanceof StoreUnavailableError) console.warn('key store down: answer 503'); // never 200
 * }
 * ```
 */
export class StoreUnavailableError extends MacaroonError {
  override readonly code = 'ERR_STORE_UNAVAILABLE';
}
