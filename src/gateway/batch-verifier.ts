/**
 * `verify(item)` for one request at a time, run in micro-batches through `Verifier.verifyBatch` (or a
 * worker pool with the same shape). Root keys are resolved per item, from the macaroon identifier,
 * before the item joins a batch, so an async key lookup never holds a batch back.
 */
import { describeType } from '../bytes.js';
import { EngineError, InvalidArgumentError, MacaroonError } from '../errors.js';
import type { Limits } from '../limits.js';
import { Macaroon } from '../macaroon.js';
import type { BatchItem, BatchResult, Verifier, VerifyOptions } from '../verifier.js';
import { MicroBatcher, type MicroBatcherOptions } from './batcher.js';
import { KeyLookupError, UnknownRootKeyError } from './errors.js';
import { type RootKey, type RootKeySource, resolveRootKey } from './keys.js';

export interface GatewayItem extends VerifyOptions {
  readonly macaroon: Macaroon | string | Uint8Array;
  readonly discharges?: readonly (Macaroon | string | Uint8Array)[];
  /** The root key, or a (sync or async) function of the macaroon identifier that finds it. */
  readonly rootKey: RootKeySource;
}

/** What runs a batch: `verifier.verifyBatch`, or a worker pool's. */
export type BatchVerify = (items: BatchItem[]) => BatchResult[] | Promise<BatchResult[]>;

export interface BatchVerifierOptions extends MicroBatcherOptions {
  /** Limits for decoding tokens given as text or bytes (the verifier applies its own again). */
  readonly limits?: Partial<Limits>;
}

export class BatchVerifier {
  readonly #batcher: MicroBatcher<BatchItem, BatchResult>;
  readonly #limits: Partial<Limits> | undefined;

  constructor(target: Verifier | BatchVerify, options: BatchVerifierOptions = {}) {
    const run: BatchVerify | undefined =
      typeof target === 'function'
        ? target
        : typeof target?.verifyBatch === 'function'
          ? (items) => target.verifyBatch(items)
          : undefined;
    if (!run) {
      throw new InvalidArgumentError(
        `target must be a Verifier or a batch function, got ${describeType(target)}`,
      );
    }
    this.#batcher = new MicroBatcher(guarded(run), options);
    this.#limits = options.limits;
  }

  /**
   * Verifies one item in the next batch. Never rejects: every failure, including a failed key lookup
   * or a failed batch, is a result with a MacaroonError.
   */
  verify(item: GatewayItem): Promise<BatchResult> {
    try {
      if (typeof item !== 'object' || item === null) {
        throw new InvalidArgumentError(`item must be an object, got ${describeType(item)}`);
      }
      const source = item.rootKey;
      if (typeof source === 'string' || source instanceof Uint8Array) {
        return this.#batcher.submit(item as BatchItem);
      }
      if (typeof source !== 'function') {
        throw new InvalidArgumentError(`rootKey must be a key or a function, got ${describeType(source)}`);
      }
      const macaroon = this.#parse(item.macaroon);
      let key: RootKey | undefined | Promise<RootKey | undefined>;
      try {
        key = resolveRootKey(source, macaroon.identifier);
      } catch (e) {
        return Promise.resolve(lookupFailed(e));
      }
      if (key instanceof Promise) {
        return key.then(
          (k) => this.#submitWithKey(item, macaroon, k),
          (e: unknown) => lookupFailed(e),
        );
      }
      return this.#submitWithKey(item, macaroon, key);
    } catch (e) {
      return Promise.resolve({ ok: false, error: asMacaroonError(e) });
    }
  }

  /** Runs the queued items now. */
  flush(): void {
    this.#batcher.flush();
  }

  get stats(): { readonly batches: number; readonly items: number } {
    return this.#batcher.stats;
  }

  #submitWithKey(item: GatewayItem, macaroon: Macaroon, key: RootKey | undefined): Promise<BatchResult> {
    if (key === undefined) {
      return Promise.resolve({
        ok: false,
        error: new UnknownRootKeyError('no live root key matches the macaroon identifier'),
      });
    }
    return this.#batcher.submit({ ...item, macaroon, rootKey: key });
  }

  #parse(value: Macaroon | string | Uint8Array): Macaroon {
    if (value instanceof Macaroon) return value;
    return Macaroon.deserialize(value, this.#limits === undefined ? {} : { limits: this.#limits });
  }
}

function lookupFailed(e: unknown): BatchResult {
  return { ok: false, error: new KeyLookupError('the root key lookup failed', { cause: e }) };
}

function asMacaroonError(e: unknown): MacaroonError {
  return e instanceof MacaroonError ? e : new MacaroonError('unexpected failure', { cause: e });
}

/** A batch that throws (a crashed worker, say) fails each of its items instead of rejecting them. */
function guarded(run: BatchVerify): BatchVerify {
  const failAll = (items: BatchItem[], e: unknown): BatchResult[] => {
    const error =
      e instanceof MacaroonError ? e : new EngineError('the verification batch failed', { cause: e });
    return items.map(() => ({ ok: false, error }));
  };
  return (items) => {
    let out: BatchResult[] | Promise<BatchResult[]>;
    try {
      out = run(items);
    } catch (e) {
      return failAll(items, e);
    }
    if (Array.isArray(out)) return out;
    return Promise.resolve(out).then(
      (results) => results,
      (e: unknown) => failAll(items, e),
    );
  };
}
