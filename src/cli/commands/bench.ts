import { cpus } from 'node:os';
import { type BatchItem, Macaroon, MacaroonError, ready, Verifier } from '../../index.js';
import { timeBefore } from '../../time-before.js';
import { buildWorkloads, type Workload } from '../bench-workloads.js';
import {
  type Args,
  type Command,
  type Context,
  EXIT_OK,
  expectPositionals,
  stringOption,
  UsageError,
} from '../command.js';

const help = `Usage: macaroon bench [--time MS] [--batch N] [--json]

Compares the verification engines available here (the TS engine "js" and, when WebAssembly loads, the
WASM engine) on the workloads of the benchmark suite, and prints a table of tokens verified per second:
  W1  5 first-party caveats (4 exact + "time < …") + 1 third-party caveat, its bound discharge holding
      "time < …": the gateway token
  W2  the same 5 first-party caveats, no discharge
  W3  20 first-party + 2 third-party caveats, each discharge holding 2 caveats
Tokens are V2 text with their own random root keys; decoding is included. "batch" is verifyBatch over
N tokens, "single" one verify call per token; each figure is the best of 5 rounds. Every engine's
verdicts are checked before it is timed.
For the full suite (other libraries, libmacaroons, cold start) run "npm run bench" in the repository.

  --time MS     how long to measure each figure, in milliseconds (default 500)
  --batch N     tokens per workload and per batch (default 256)
  --json        print the results as JSON
  -h, --help    this help
`;

interface Row {
  readonly workload: string;
  readonly title: string;
  readonly engine: string;
  readonly batchPerSecond: number;
  readonly singlePerSecond: number;
}

function integerOption(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be an integer from 1 to ${max}`);
  return n;
}

function verifierFor(engine: 'js' | 'wasm', w: Workload): Verifier {
  const v = new Verifier({ engine });
  for (const p of w.exact) v.satisfyExact(p);
  return v.satisfyGeneral(timeBefore); // recognised: the WASM engine judges time caveats in the module
}

/** A figure means nothing if the engine accepts what it should refuse, or refuses what it should accept. */
function checkVerdicts(v: Verifier, w: Workload): void {
  const good = v.verifyBatch(w.items);
  const wrongKey = v.verifyBatch(w.items.map((item) => ({ ...item, rootKey: new Uint8Array(32) })));
  if (!good.every((r) => r.ok) || wrongKey.some((r) => r.ok)) {
    throw new MacaroonError(`engine ${v.engine} gave a wrong verdict on ${w.id}; not timing it`);
  }
}

/** Rounds per figure: the best round is reported, since other load on the machine only ever slows a round. */
const ROUNDS = 5;

/** Tokens per second of `run`, which verifies `perRun` tokens; warms up first so the JIT has settled. */
function throughput(run: () => void, perRun: number, ms: number): number {
  const warmEnd = performance.now() + Math.min(200, ms / 2);
  while (performance.now() < warmEnd) run();
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let runs = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      run();
      runs++;
      elapsed = performance.now() - start;
    } while (elapsed < ms / ROUNDS);
    best = Math.max(best, (runs * perRun * 1000) / elapsed);
  }
  return best;
}

function singleRun(v: Verifier, items: readonly BatchItem[]): () => void {
  return () => {
    for (const item of items) {
      const discharges = (item.discharges ?? []).map((d) => Macaroon.deserialize(d as string));
      v.verify(Macaroon.deserialize(item.macaroon as string), item.rootKey, discharges);
    }
  };
}

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function table(rows: readonly Row[]): string {
  const header = ['workload', 'engine', 'batch tokens/s', 'µs/token', 'single tokens/s', 'batch vs js'];
  const js = new Map(rows.filter((r) => r.engine === 'js').map((r) => [r.workload, r.batchPerSecond]));
  const body = rows.map((r) => [
    r.workload,
    r.engine,
    format(r.batchPerSecond),
    (1e6 / r.batchPerSecond).toFixed(1),
    format(r.singlePerSecond),
    `${(r.batchPerSecond / (js.get(r.workload) ?? r.batchPerSecond)).toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((cells) => (cells[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export const bench: Command = {
  name: 'bench',
  summary: 'compare the verification engines on the W1/W2/W3 workloads',
  help,
  options: { time: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' } },
  async run(args: Args, ctx: Context): Promise<number> {
    expectPositionals(args, 0, 0, 'no arguments');
    const ms = integerOption(stringOption(args.values, 'time'), 'time', 500, 60_000);
    const count = integerOption(stringOption(args.values, 'batch'), 'batch', 256, 10_000);
    const loaded = (await ready()).engine;
    const engines: ('js' | 'wasm')[] = loaded === 'js' ? ['js'] : ['js', 'wasm'];
    const workloads = buildWorkloads(count);
    const rows: Row[] = [];
    for (const w of workloads) {
      for (const engine of engines) {
        const v = verifierFor(engine, w);
        checkVerdicts(v, w);
        rows.push({
          workload: w.id,
          title: w.title,
          engine: v.engine,
          batchPerSecond: throughput(() => v.verifyBatch(w.items), count, ms),
          singlePerSecond: throughput(singleRun(v, w.items), count, ms),
        });
      }
    }
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    if (args.values.json === true) {
      ctx.stdout(
        `${JSON.stringify({ node: process.version, cpu, batch: count, timeMs: ms, rows }, null, 2)}\n`,
      );
      return EXIT_OK;
    }
    const titles = workloads.map((w) => `  ${w.id}  ${w.title}\n`).join('');
    ctx.stdout(
      `Node ${process.version} on ${cpu}; ${count} tokens per batch, ${ms} ms per figure\n${titles}` +
        (loaded === 'js' ? 'The WASM engine is not available here: only js is measured.\n' : '') +
        `\n${table(rows)}\n`,
    );
    return EXIT_OK;
  },
};
