/**
 * A worker-thread pool (piscina) of verifiers, one per core by default, each with its own engine. Its
 * `verifyBatch` has the Verifier's shape, so a BatchVerifier feeds it micro-batches: big batches are
 * split so every worker gets a share.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import { describeType } from '../bytes.js';
import { EngineError, InvalidArgumentError, MacaroonError } from '../errors.js';
import type { BundleItem } from '../gateway/batch-verifier.js';
import type { BatchItem, BatchResult } from '../verifier.js';
import { fromWireResult, KeyTable, toWireItem, type WireItem, type WireResult } from './pool-wire.js';
import type { PoolTask, PoolWorkerData } from './pool-worker.js';

/**
 * Options of a VerifierPool: the module that makes each worker's Verifier, its options, the pool size.
 *
 * @example
 * ```ts
 * import { type VerifierPoolOptions, VerifierPool } from 'macaroon-engine/node';
 *
 * // verifier.js: export function createVerifier(options) { return new Verifier(options).satisfyGeneral(timeBefore); }
 * const options: VerifierPoolOptions = { verifierModule: new URL('./verifier.js', import.meta.url), size: 4 };
 * const pool = new VerifierPool(options);
 * ```
 */
export interface VerifierPoolOptions {
  /**
   * The module each worker imports to make its Verifier: a path or file: URL exporting
   * `createVerifier(verifierOptions)` (or a default function) that returns a Verifier or a promise.
   */
  readonly verifierModule: string | URL;
  /** Handed to `createVerifier` in each worker; must survive structured cloning. */
  readonly verifierOptions?: unknown;
  /** Worker threads (default: the number of cores, `os.availableParallelism()`). */
  readonly size?: number | undefined;
  /** A batch is split into chunks of at least this many items, one per idle worker (default 8). */
  readonly minChunk?: number | undefined;
}

/**
 * Verifies batches on worker threads (piscina, an optional peer, loaded when the pool is made), each
 * worker running the Verifier that `verifierModule` makes; a BatchVerifier target for a Gateway.
 *
 * @example
 * ```ts
 * import { BatchVerifier, Gateway } from 'macaroon-engine/gateway';
 * import { VerifierPool } from 'macaroon-engine/node';
 *
 * const pool = new VerifierPool({ verifierModule: new URL('./verifier.js', import.meta.url) });
 * const gateway = new Gateway({ rootKey, verifier: new BatchVerifier(pool) });
 * await pool.verifyBatch([{ macaroon: token, rootKey }]); // [{ ok: true }] or [{ ok: false, error }]
 * ```
 */
export class VerifierPool {
  /** Bundles are decoded in the workers: a BatchVerifier hands them over undecoded. */
  readonly decodesBundles = true;
  // piscina is an optional peer: loaded when a pool is made, so `macaroon-engine/node` imports without it.
  readonly #pool: Promise<Piscina>;
  readonly #size: number;
  readonly #minChunk: number;

  constructor(options: VerifierPoolOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('pool options must be an object');
    }
    const { verifierModule } = options;
    if (typeof verifierModule !== 'string' && !(verifierModule instanceof URL)) {
      throw new InvalidArgumentError(
        `verifierModule must be a path or a URL, got ${describeType(verifierModule)}`,
      );
    }
    this.#size = options.size ?? availableParallelism();
    this.#minChunk = options.minChunk ?? 8;
    if (!Number.isInteger(this.#size) || this.#size < 1) {
      throw new InvalidArgumentError('size must be a positive integer');
    }
    if (!Number.isInteger(this.#minChunk) || this.#minChunk < 1) {
      throw new InvalidArgumentError('minChunk must be a positive integer');
    }
    const workerData: PoolWorkerData = {
      verifierModule: verifierModule instanceof URL ? fileURLToPath(verifierModule) : verifierModule,
      verifierOptions: options.verifierOptions,
    };
    const size = this.#size;
    this.#pool = loadPiscina().then(
      (Pool) =>
        new Pool({
          filename: new URL('./pool-worker.js', import.meta.url).href,
          minThreads: size,
          maxThreads: size,
          idleTimeout: Number.POSITIVE_INFINITY,
          workerData,
        }),
    );
    // The failure is reported by the first call that needs the pool, not as an unhandled rejection.
    this.#pool.catch(() => {});
  }

  /** How many worker threads the pool runs. */
  get size(): number {
    return this.#size;
  }

  /** Batches worth running at once: one per worker (a BatchVerifier defers the rest meanwhile). */
  get concurrency(): number {
    return this.#size;
  }

  /** The engine a worker's verifier uses ('wasm-simd', 'js', ...). */
  async engine(): Promise<string> {
    const pool = await this.#pool;
    const info = (await pool.run({ info: true } satisfies PoolTask)) as { engine: string };
    return info.engine;
  }

  /** Verifies a batch across the workers; results in order, as `Verifier.verifyBatch` gives them. */
  async verifyBatch(items: readonly (BatchItem | BundleItem)[]): Promise<BatchResult[]> {
    if (!Array.isArray(items)) {
      throw new InvalidArgumentError(`items must be an array, got ${describeType(items)}`);
    }
    // An item that cannot be sent fails alone, as in Verifier.verifyBatch.
    const results: BatchResult[] = new Array(items.length);
    const wire: WireItem[] = [];
    const sent: number[] = [];
    const keys = new KeyTable();
    items.forEach((item, i) => {
      try {
        wire.push(toWireItem(item, keys));
        sent.push(i);
      } catch (e) {
        results[i] = { ok: false, error: e instanceof MacaroonError ? e : new MacaroonError('bad item') };
      }
    });
    const pool = await this.#pool;
    const chunks = Math.max(1, Math.min(this.#size, Math.floor(wire.length / this.#minChunk)));
    const per = Math.ceil(wire.length / chunks);
    const runs: Promise<WireResult[]>[] = [];
    for (let start = 0; start < wire.length; start += per) {
      runs.push(pool.run({ items: wire.slice(start, start + per), keys: keys.keys } satisfies PoolTask));
    }
    const verdicts = (await Promise.all(runs)).flat();
    sent.forEach((index, k) => {
      results[index] = fromWireResult(verdicts[k] as WireResult);
    });
    return results;
  }

  /** Stops the workers; pending batches fail. */
  async close(): Promise<void> {
    const pool = await this.#pool.catch(() => undefined);
    await pool?.destroy();
  }
}

async function loadPiscina(): Promise<typeof Piscina> {
  try {
    return (await import('piscina')).Piscina;
  } catch (e) {
    throw new EngineError('VerifierPool needs the optional peer dependency piscina: npm install piscina', {
      cause: e,
    });
  }
}
