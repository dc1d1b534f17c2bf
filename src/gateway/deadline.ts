/**
 * Deadlines for what the gateway awaits: a root-key resolver, the request's facts, the verification
 * (a batch, a worker pool). A hook that never settles must not hold a request, and its socket, forever:
 * past its deadline the request fails closed (503, `ERR_TIMEOUT`), and the gateway counts it and tells
 * `onTimeout`.
 */
import type { GatewayHook, HookTimeoutError } from './errors.js';

export type { GatewayHook } from './errors.js';

/**
 * What `onTimeout` is told.
 *
 * @example
 * ```ts
 * const timeouts = new Map<string, number>(); // e.g. exported as metrics
 * new Gateway({ rootKey, verifier, onTimeout: ({ hook }) => void timeouts.set(hook, (timeouts.get(hook) ?? 0) + 1) });
 * ```
 */
export interface TimeoutEvent {
  /** The hook that missed its deadline. */
  readonly hook: GatewayHook;
  /** The deadline it missed, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * The default deadline of each hook: far above a healthy key store's or pool's latency (milliseconds),
 * far below the time a client or load balancer waits before giving up on the request.
 *
 * @example
 * ```ts
 * new Gateway({ rootKey, verifier, timeoutMs: DEFAULT_HOOK_TIMEOUT_MS / 3 }); // a tighter deadline
 * ```
 */
export const DEFAULT_HOOK_TIMEOUT_MS = 3000;

/**
 * `value` if it settles within `timeoutMs`, else a rejection with `timedOut()`'s error. The timer is
 * cleared as soon as the value settles; Infinity sets no timer.
 */
export function withDeadline<T>(
  value: PromiseLike<T>,
  timeoutMs: number,
  timedOut: () => HookTimeoutError,
): Promise<T> {
  if (timeoutMs === Number.POSITIVE_INFINITY) return Promise.resolve(value);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut()), timeoutMs);
    value.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
