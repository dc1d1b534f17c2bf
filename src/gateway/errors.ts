/**
 * Errors of the gateway layer, beside the library's own (../errors.ts). Like those, they carry a stable
 * `code`, and their messages never contain keys, signatures or tokens.
 */
import { MacaroonError } from '../errors.js';

/**
 * What the gateway awaits, as named in timeout events, errors and `stats.timeoutsByHook`.
 *
 * @example
 * ```ts
 * const hook: GatewayHook = 'root-key'; // or 'facts', 'verification'
 * ```
 */
export type GatewayHook = 'root-key' | 'facts' | 'verification';

/**
 * No live root key matches the macaroon's identifier (unknown, expired or not yet valid).
 *
 * @example
 * ```ts
 * const keys = new KeyStore();
 * const gateway = new Gateway({ rootKey: keys.resolver, verifier: new Verifier() });
 * await gateway.authorize(request.headers); // a token of a forgotten key: { status: 401, reason: 'unknown-root-key' }
 * ```
 */
export class UnknownRootKeyError extends MacaroonError {
  override readonly code = 'ERR_UNKNOWN_ROOT_KEY';
  /** The reason code a 401 response carries, alongside NotAuthorizedError's reasons. */
  readonly reason = 'unknown-root-key' as const;
}

/**
 * The root-key lookup itself failed (e.g. its store is unreachable): not the token's fault.
 *
 * @example
 * ```ts
 * const gateway = new Gateway({
 *   verifier: new Verifier(),
 *   rootKey: async () => {
 *     throw new KeyLookupError('key service unreachable');
 *   },
 * });
 * await gateway.authorize(request.headers); // { status: 503, code: 'ERR_KEY_LOOKUP' }
 * ```
 */
export class KeyLookupError extends MacaroonError {
  override readonly code = 'ERR_KEY_LOOKUP';
}

/**
 * A hook the gateway awaits (the root-key resolver, the request's facts, the verification) did not
 * settle within the gateway's `timeoutMs`: not the token's fault; the request is answered 503.
 *
 * @example
 * ```ts
 * const d = await gateway.authorize(request.headers);
 * if (d.status === 503 && d.code === 'ERR_TIMEOUT') console.warn('a gateway hook is too slow');
 * ```
 */
export class HookTimeoutError extends MacaroonError {
  override readonly code = 'ERR_TIMEOUT';
  /** Which hook missed its deadline. */
  readonly hook: GatewayHook;

  constructor(hook: GatewayHook, timeoutMs: number) {
    super(`the ${hook} hook did not settle within ${timeoutMs} ms`);
    this.hook = hook;
  }
}

/**
 * The macaroon, or every macaroon of its root key, has been revoked.
 *
 * @example
 * ```ts
 * const d = await gateway.authorize(request.headers);
 * if (d.status === 401 && d.reason === 'revoked') console.info('a revoked token was presented');
 * ```
 */
export class RevokedError extends MacaroonError {
  override readonly code = 'ERR_REVOKED';
  /** The reason code a 401 response carries. */
  readonly reason = 'revoked';
}
