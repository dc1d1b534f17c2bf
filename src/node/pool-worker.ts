/**
 * A worker of the VerifierPool: its own copy of the library (so its own WASM engine instance) and its
 * own Verifier, made by the application's verifier module, since checks are functions and cannot be
 * sent between threads.
 */
import { pathToFileURL } from 'node:url';
import { workerData } from 'piscina';
import { MacaroonError } from '../errors.js';
import { ready } from '../index.js';
import type { BatchItem, Verifier } from '../verifier.js';
import { fromWireItem, toWireResult, type WireItem, type WireResult } from './pool-wire.js';

function asMacaroonError(e: unknown): MacaroonError {
  return e instanceof MacaroonError ? e : new MacaroonError('bad batch item', { cause: e });
}

export interface PoolWorkerData {
  /** A module path or file: URL exporting `createVerifier(options)` (or a default function). */
  readonly verifierModule: string;
  readonly verifierOptions?: unknown;
}

type VerifierFactory = (options: unknown) => Verifier | Promise<Verifier>;

async function load(): Promise<Verifier> {
  const data = workerData as PoolWorkerData;
  await ready();
  const specifier = data.verifierModule.startsWith('file:')
    ? data.verifierModule
    : pathToFileURL(data.verifierModule).href;
  const mod = (await import(specifier)) as { createVerifier?: VerifierFactory; default?: VerifierFactory };
  const factory = mod.createVerifier ?? mod.default;
  if (typeof factory !== 'function') {
    throw new TypeError(`${data.verifierModule} exports neither createVerifier nor a default function`);
  }
  return factory(data.verifierOptions);
}

const verifier = load();

export interface PoolTask {
  readonly items?: readonly WireItem[];
  readonly keys?: readonly (string | Uint8Array)[];
  /** Asks which engine this worker's verifier uses. */
  readonly info?: true;
}

export default async function verifyInWorker(task: PoolTask): Promise<WireResult[] | { engine: string }> {
  const v = await verifier;
  if (task.info) return { engine: v.engine };
  const items = task.items ?? [];
  const results: WireResult[] = new Array(items.length);
  const batch: BatchItem[] = [];
  const positions: number[] = [];
  items.forEach((item, i) => {
    try {
      batch.push(fromWireItem(item, task.keys ?? []));
      positions.push(i);
    } catch (e) {
      results[i] = toWireResult({ ok: false, error: asMacaroonError(e) });
    }
  });
  v.verifyBatch(batch).forEach((r, k) => {
    results[positions[k] as number] = toWireResult(r);
  });
  return results;
}
