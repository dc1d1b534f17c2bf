/**
 * A micro-batcher: calls that arrive close together are run as one batch. Requests reach a server one
 * at a time, while the verification engine is fastest on many tokens per call; this bridges the two.
 *
 * A batch is run when it reaches `maxBatchSize`, or `maxWaitMs` after its first item arrived. With
 * `maxWaitMs: 0` (the default) the batch runs at the end of the current event-loop turn, so it holds
 * every request the server parsed in that turn and adds no timer latency.
 */
import { describeType } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';

/**
 * Runs a whole batch; returns one result per item, in order.
 *
 * @example
 * ```ts
 * const run: BatchRunner<string, number> = (items) => items.map((s) => s.length);
 * await new MicroBatcher(run).submit('abc'); // 3
 * ```
 */
export type BatchRunner<I, R> = (items: I[]) => R[] | Promise<R[]>;

/**
 * Calls `run` soon: after `delayMs`, or at the end of the current turn when `delayMs` is 0.
 *
 * @example
 * ```ts
 * const schedule: Scheduler = (run, delayMs) => void setTimeout(run, delayMs);
 * new MicroBatcher((xs: number[]) => xs, { schedule });
 * ```
 */
export type Scheduler = (run: () => void, delayMs: number) => void;

/**
 * Options of a MicroBatcher (and of a BatchVerifier): batch size, wait, scheduler, batches in flight.
 *
 * @example
 * ```ts
 * const options: MicroBatcherOptions = { maxBatchSize: 256, maxWaitMs: 1, maxInFlight: 2 };
 * new MicroBatcher((xs: number[]) => xs.map((x) => x * 2), options);
 * ```
 */
export interface MicroBatcherOptions {
  /**
   * Most items in one batch (default 64). From `npm run loadtest -- --sweep` (W1 tokens, 32 connections,
   * 2 cores; bench/results/loadtest-sweep.json): batches formed at the end of a turn held ~24 requests;
   * a cap of 64 or 256 served the same 17.9k req/s, a cap of 16 served 17.0k.
   */
  readonly maxBatchSize?: number | undefined;
  /**
   * Longest an item waits for others, in milliseconds (default 0: the end of the current event-loop
   * turn). Same sweep: waiting 1 ms cut throughput to 10.8k req/s (p99 4 -> 12 ms), 2 ms to 7.1k (p99
   * 19 ms): closed-loop clients wait with the batch, and batches grew only from 24 to 30.
   */
  readonly maxWaitMs?: number | undefined;
  /** How to wait; the default uses `setImmediate` where the runtime has it, else `setTimeout`. */
  readonly schedule?: Scheduler | undefined;
  /**
   * Most batches running at once when `run` is asynchronous (a worker pool: its number of workers).
   * While that many run, a due batch waits and keeps growing, up to maxBatchSize, until one finishes:
   * bigger batches exactly when the workers are busy, and no added wait when one is idle. Default:
   * no limit.
   */
  readonly maxInFlight?: number | undefined;
}

/**
 * The default `maxBatchSize`: 64 items.
 *
 * @example
 * ```ts
 * new BatchVerifier(new Verifier(), { maxBatchSize: DEFAULT_MAX_BATCH_SIZE * 2 });
 * ```
 */
export const DEFAULT_MAX_BATCH_SIZE = 64;
/**
 * The default `maxWaitMs`: 0, a batch runs at the end of the current event-loop turn.
 *
 * @example
 * ```ts
 * new BatchVerifier(new Verifier(), { maxWaitMs: DEFAULT_MAX_WAIT_MS }); // the default, said explicitly
 * ```
 */
export const DEFAULT_MAX_WAIT_MS = 0;

interface Waiting<R> {
  resolve(result: R): void;
  reject(error: unknown): void;
}

const defaultSchedule: Scheduler = (run, delayMs) => {
  // setImmediate runs after the pending I/O callbacks of this turn: every request already read is queued.
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (delayMs === 0 && typeof immediate === 'function') immediate(run);
  else setTimeout(run, delayMs);
};

function checkCount(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be a number >= ${min}, got ${describeType(value)}`);
  }
  return value;
}

/**
 * Runs the items submitted close together as one batch: at `maxBatchSize` items, or `maxWaitMs` after
 * the first (by default at the end of the current event-loop turn).
 *
 * @example
 * ```ts
 * const squares = new MicroBatcher((xs: number[]) => xs.map((x) => x * x));
 * const [a, b] = await Promise.all([squares.submit(2), squares.submit(3)]); // one batch: 4, 9
 * ```
 */
export class MicroBatcher<I, R> {
  readonly #run: BatchRunner<I, R>;
  readonly #maxBatchSize: number;
  readonly #maxWaitMs: number;
  readonly #schedule: Scheduler;
  #items: I[] = [];
  #waiting: Waiting<R>[] = [];
  // Each scheduled flush knows which batch it was for, so a batch flushed early by size is not
  // followed by an early flush of the next one.
  #generation = 0;
  #inFlight = 0;
  // A batch came due while maxInFlight batches were running: it runs when one of them finishes.
  #deferred = false;
  readonly #maxInFlight: number;
  #batches = 0;
  #total = 0;

  constructor(run: BatchRunner<I, R>, options: MicroBatcherOptions = {}) {
    if (typeof run !== 'function') {
      throw new InvalidArgumentError(`run must be a function, got ${describeType(run)}`);
    }
    this.#run = run;
    this.#maxBatchSize = Math.floor(
      checkCount(options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE, 'maxBatchSize', 1),
    );
    this.#maxWaitMs = checkCount(options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS, 'maxWaitMs', 0);
    this.#schedule = options.schedule ?? defaultSchedule;
    this.#maxInFlight =
      options.maxInFlight === undefined
        ? Number.POSITIVE_INFINITY
        : checkCount(options.maxInFlight, 'maxInFlight', 1);
  }

  /** Queues `item`; resolves with its own result when its batch has run. */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#items.push(item);
      this.#waiting.push({ resolve, reject });
      if (this.#items.length >= this.#maxBatchSize) {
        this.flush();
      } else if (this.#items.length === 1) {
        const generation = this.#generation;
        this.#schedule(() => {
          if (this.#generation === generation) this.#due();
        }, this.#maxWaitMs);
      }
    });
  }

  /** A batch's wait is over: run it, unless maxInFlight batches are running already. */
  #due(): void {
    if (this.#inFlight >= this.#maxInFlight) this.#deferred = true;
    else this.flush();
  }

  /** Runs the queued items now (a no-op when none are queued). */
  flush(): void {
    this.#deferred = false;
    if (this.#items.length === 0) return;
    const items = this.#items;
    const waiting = this.#waiting;
    this.#items = [];
    this.#waiting = [];
    this.#generation++;
    this.#batches++;
    this.#total += items.length;
    let outcome: R[] | Promise<R[]>;
    try {
      outcome = this.#run(items);
    } catch (e) {
      for (const w of waiting) w.reject(e);
      return;
    }
    if (Array.isArray(outcome)) {
      settle(outcome, waiting);
      return;
    }
    this.#inFlight++;
    const done = (): void => {
      this.#inFlight--;
      if (this.#deferred) this.flush();
    };
    Promise.resolve(outcome).then(
      (results) => {
        done();
        settle(results, waiting);
      },
      (e: unknown) => {
        done();
        for (const w of waiting) w.reject(e);
      },
    );
  }

  /** Items queued and not yet run. */
  get pending(): number {
    return this.#items.length;
  }

  /** Batches run so far and the items they held (their ratio is the mean batch size). */
  get stats(): {
    /** Batches run so far. */
    readonly batches: number;
    /** Items those batches held (items ÷ batches is the mean batch size). */
    readonly items: number;
  } {
    return { batches: this.#batches, items: this.#total };
  }
}

function settle<R>(results: unknown, waiting: readonly Waiting<R>[]): void {
  if (!Array.isArray(results) || results.length !== waiting.length) {
    const error = new InvalidArgumentError(
      `the batch runner returned ${Array.isArray(results) ? results.length : describeType(results)} results for ${waiting.length} items`,
    );
    for (const w of waiting) w.reject(error);
    return;
  }
  waiting.forEach((w, i) => {
    w.resolve(results[i] as R);
  });
}
