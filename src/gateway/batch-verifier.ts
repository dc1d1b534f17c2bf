/**
 * `verify(item)` for one request at a time, run in micro-batches through `Verifier.verifyBatch` (or a
 * worker pool with the same shape). Root keys are resolved per item, from the macaroon identifier,
 * before the item joins a batch, so an async key lookup never holds a batch back.
 */
import { describeType } from '../bytes.js';
import { splitBinaryBundle } from '../codec/bundle.js';
import { EngineError, InvalidArgumentError, MacaroonError } from '../errors.js';
import { type Limits, resolveLimits } from '../limits.js';
import { Macaroon } from '../macaroon.js';
import { type BatchItem, type BatchResult, Verifier, type VerifyOptions } from '../verifier.js';
import { MicroBatcher, type MicroBatcherOptions } from './batcher.js';
import { KeyLookupError, UnknownRootKeyError } from './errors.js';
import { type RootKey, type RootKeyResolver, type RootKeySource, resolveRootKey } from './keys.js';

/**
 * A root macaroon and its discharges as one serialized bundle (any form Macaroon.deserializeBundle reads).
 *
 * @example
 * ```ts
 * const item: BundleItem = { bundle: Macaroon.serializeBundle([macaroon, ...discharges]), rootKey };
 * await new BatchVerifier(new Verifier()).verify(item); // { ok: true } or { ok: false, error }
 * ```
 */
export interface BundleItem extends VerifyOptions {
  /** The root macaroon and its discharges as one serialized bundle, as they came with the request. */
  readonly bundle: string | Uint8Array;
  /** The root key the bundle's root macaroon must verify under. */
  readonly rootKey: RootKey;
}

/**
 * What `BatchVerifier.verify` takes: a macaroon with its discharges, or a whole bundle, with a root key
 * or a resolver of it.
 *
 * @example
 * ```ts
 * const byKey: GatewayItem = { macaroon: token, rootKey, exact: ['account = 42'] };
 * const byResolver: GatewayItem = { bundle: token, rootKey: (id) => (new TextDecoder().decode(id) === 'k1' ? rootKey : undefined) };
 * ```
 */
export type GatewayItem =
  | (Omit<BatchItem, 'rootKey'> & {
      /** Absent: the item gives its macaroon and discharges decoded. */
      readonly bundle?: undefined;
      /** The root key, or a function that finds it by the root macaroon's identifier. */
      readonly rootKey: RootKeySource;
    })
  | (Omit<BundleItem, 'rootKey'> & {
      /** The root key, or a function that finds it by the root macaroon's identifier. */
      readonly rootKey: RootKeySource;
    });

type SingleItem = Omit<BatchItem, 'rootKey'> & { readonly rootKey: RootKeySource };

/**
 * What runs a batch: `verifier.verifyBatch`, or a worker pool's.
 *
 * @example
 * ```ts
 * const verifier = new Verifier();
 * const run: BatchVerify = (items) => verifier.verifyBatch(items);
 * const batches = new BatchVerifier(run);
 * ```
 */
export type BatchVerify = (items: BatchItem[]) => BatchResult[] | Promise<BatchResult[]>;

/**
 * A target that decodes bundles itself (a VerifierPool does, in its workers): bundles are passed to it
 * as they came, so the thread feeding it spends nothing on decoding.
 *
 * @example
 * ```ts
 * const target: BundleTarget = {
 *   decodesBundles: true,
 *   concurrency: 4,
 *   verifyBatch: (items) => items.map(() => ({ ok: true })), // e.g. a worker pool that decodes in its workers
 * };
 * new BatchVerifier(target);
 * ```
 */
export interface BundleTarget {
  /** Marks a target that takes serialized bundles and decodes them itself. */
  readonly decodesBundles: true;
  /** How many batches it runs at once (a pool: its workers); the default for maxInFlight. */
  readonly concurrency?: number | undefined;
  /** One result per item, in order, as `Verifier.verifyBatch` gives them. */
  verifyBatch(items: (BatchItem | BundleItem)[]): BatchResult[] | Promise<BatchResult[]>;
}

/**
 * Options of a BatchVerifier: the micro-batching ones, and limits for decoding tokens.
 *
 * @example
 * ```ts
 * const options: BatchVerifierOptions = { maxBatchSize: 128, maxWaitMs: 0, limits: { maxDischarges: 4 } };
 * new BatchVerifier(new Verifier(), options);
 * ```
 */
export interface BatchVerifierOptions extends MicroBatcherOptions {
  /** Limits for decoding tokens given as text or bytes (the verifier applies its own again). */
  readonly limits?: Partial<Limits> | undefined;
}

/**
 * Verifies one request at a time through micro-batches of a Verifier (or a worker pool): what a Gateway
 * runs.
 *
 * @example
 * ```ts
 * const batches = new BatchVerifier(new Verifier().satisfyExact('account = 42'));
 * const result = await batches.verify({ macaroon: token, rootKey }); // joins this turn's batch
 * if (!result.ok) console.warn(result.error.code);
 * ```
 */
export class BatchVerifier {
  readonly #batcher: MicroBatcher<BatchItem | BundleItem, BatchResult>;
  readonly #limits: Partial<Limits> | undefined;
  readonly #resolvedLimits: Limits;
  readonly #decodesBundles: boolean;
  readonly #verifier: Verifier | undefined;

  constructor(target: Verifier | BundleTarget | BatchVerify, options: BatchVerifierOptions = {}) {
    const run: AnyBatchVerify | undefined =
      typeof target === 'function'
        ? (target as AnyBatchVerify)
        : typeof target?.verifyBatch === 'function'
          ? (items) => (target as BundleTarget).verifyBatch(items)
          : undefined;
    if (!run) {
      throw new InvalidArgumentError(
        `target must be a Verifier or a batch function, got ${describeType(target)}`,
      );
    }
    this.#decodesBundles = typeof target === 'object' && (target as BundleTarget).decodesBundles === true;
    this.#verifier = target instanceof Verifier ? target : undefined;
    const concurrency = typeof target === 'object' ? (target as BundleTarget).concurrency : undefined;
    this.#batcher = new MicroBatcher(guarded(run), {
      ...options,
      maxInFlight: options.maxInFlight ?? concurrency,
    });
    this.#limits = options.limits;
    this.#resolvedLimits = resolveLimits(options.limits);
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
      const fixedKey = typeof source === 'string' || source instanceof Uint8Array;
      if (!fixedKey && typeof source !== 'function') {
        throw new InvalidArgumentError(`rootKey must be a key or a function, got ${describeType(source)}`);
      }
      let single: SingleItem;
      if (item.bundle !== undefined) {
        if (fixedKey && this.#decodesBundles) return this.#batcher.submit(item as BundleItem);
        // With a fixed key nothing here needs the decoded macaroons: a binary Slice goes to the batch as
        // serialized tokens, which the batch path decodes straight into the engine's memory.
        const parts = fixedKey ? splitBinaryBundle(item.bundle, this.#resolvedLimits) : undefined;
        if (parts) {
          // A plain literal, no rest/spread: this runs for every request.
          const split: BatchItem = {
            macaroon: parts[0] as Uint8Array,
            discharges: parts.slice(1),
            rootKey: source as RootKey,
            exact: item.exact,
            context: item.context,
          };
          return this.#batcher.submit(split);
        }
        single = this.#unbundle(item);
      } else {
        single = item as SingleItem;
      }
      if (fixedKey) return this.#batcher.submit(single as BatchItem);
      const macaroon = this.#parse(single.macaroon);
      let key: RootKey | undefined | Promise<RootKey | undefined>;
      try {
        key = resolveRootKey(source as RootKeyResolver, macaroon.identifier);
      } catch (e) {
        return Promise.resolve(lookupFailed(e));
      }
      if (key instanceof Promise) {
        return key.then(
          (k) => this.#submitWithKey(single, macaroon, k),
          (e: unknown) => lookupFailed(e),
        );
      }
      return this.#submitWithKey(single, macaroon, key);
    } catch (e) {
      return Promise.resolve({ ok: false, error: asMacaroonError(e) });
    }
  }

  /** The Verifier this runs in-process, if its target is one (a worker pool's run elsewhere). */
  get verifier(): Verifier | undefined {
    return this.#verifier;
  }

  /** True when bundles reach the target undecoded (it decodes them itself). */
  get decodesBundles(): boolean {
    return this.#decodesBundles;
  }

  /** Runs the queued items now. */
  flush(): void {
    this.#batcher.flush();
  }

  /** Batches run so far and the items they held. */
  get stats(): {
    /** Batches run so far. */
    readonly batches: number;
    /** Items those batches held (items ÷ batches is the mean batch size). */
    readonly items: number;
  } {
    return this.#batcher.stats;
  }

  #submitWithKey(item: SingleItem, macaroon: Macaroon, key: RootKey | undefined): Promise<BatchResult> {
    if (key === undefined) {
      return Promise.resolve({
        ok: false,
        error: new UnknownRootKeyError('no live root key matches the macaroon identifier'),
      });
    }
    return this.#batcher.submit({ ...item, macaroon, rootKey: key });
  }

  #unbundle(item: GatewayItem & { bundle: string | Uint8Array }): SingleItem {
    const { bundle, ...rest } = item;
    const [macaroon, ...discharges] = Macaroon.deserializeBundle(
      bundle,
      this.#limits === undefined ? {} : { limits: this.#limits },
    );
    return { ...rest, macaroon: macaroon as Macaroon, discharges };
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
type AnyBatchVerify = (items: (BatchItem | BundleItem)[]) => BatchResult[] | Promise<BatchResult[]>;

function guarded(run: AnyBatchVerify): AnyBatchVerify {
  const failAll = (items: unknown[], e: unknown): BatchResult[] => {
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
