/**
 * What crosses the thread boundary between the pool and its workers: structured-clone-friendly items
 * (macaroons as bytes, since a Macaroon object does not survive cloning) and results whose errors are
 * rebuilt as the same MacaroonError classes, with the same codes and reasons.
 */
import {
  DecodeError,
  EncodeError,
  EngineError,
  InvalidArgumentError,
  LimitExceededError,
  MacaroonError,
  NotAuthorizedError,
  type NotAuthorizedReason,
} from '../errors.js';
import type { BundleItem } from '../gateway/batch-verifier.js';
import { Macaroon } from '../macaroon.js';
import type { BatchItem, BatchResult } from '../verifier.js';

export type WireToken = string | Uint8Array;

export interface WireItem {
  /** Either a bundle (decoded in the worker) or a macaroon with its discharges. */
  readonly bundle?: WireToken;
  readonly macaroon?: WireToken;
  readonly discharges?: readonly WireToken[];
  /** Index into the task's key table: a batch usually shares one key, cloned once instead of per item. */
  readonly key: number;
  readonly exact?: readonly (string | Uint8Array)[];
  /** Must survive structured cloning (plain data). */
  readonly context?: unknown;
}

/** Success is a bare `true`, the cheapest value to clone back; a failure carries its error's identity. */
export type WireResult =
  | true
  | { readonly ok: false; readonly code: string; readonly reason?: string; readonly message: string };

/** Gives each distinct root key (by identity) an index in a table sent once per task. */
export class KeyTable {
  readonly keys: (string | Uint8Array)[] = [];
  readonly #index = new Map<string | Uint8Array, number>();

  indexOf(key: string | Uint8Array): number {
    let i = this.#index.get(key);
    if (i === undefined) {
      i = this.keys.length;
      this.keys.push(key);
      this.#index.set(key, i);
    }
    return i;
  }
}

function wireToken(m: Macaroon | string | Uint8Array): WireToken {
  if (typeof m === 'string' || m instanceof Uint8Array) return m;
  // Duck-typed, so a Macaroon from another copy of this library (a dual-package install) still crosses.
  if (typeof (m as Partial<Macaroon>)?.toBytes === 'function') return m.toBytes();
  throw new InvalidArgumentError('a macaroon must be a Macaroon, string or Uint8Array');
}

export function toWireItem(item: BatchItem | BundleItem, keys: KeyTable): WireItem {
  if ('bundle' in item && item.bundle !== undefined) {
    return {
      bundle: item.bundle,
      key: keys.indexOf(item.rootKey),
      ...(item.exact === undefined ? {} : { exact: item.exact }),
      ...(item.context === undefined ? {} : { context: item.context }),
    };
  }
  item = item as BatchItem;
  return {
    macaroon: wireToken(item.macaroon),
    discharges: Array.isArray(item.discharges) ? item.discharges.map(wireToken) : [],
    key: keys.indexOf(item.rootKey),
    ...(item.exact === undefined ? {} : { exact: item.exact }),
    ...(item.context === undefined ? {} : { context: item.context }),
  };
}

export function toWireResult(result: BatchResult): WireResult {
  if (result.ok) return true;
  const e = result.error ?? new MacaroonError('verification failed');
  return {
    ok: false,
    code: e.code,
    message: e.message,
    ...(e instanceof NotAuthorizedError ? { reason: e.reason } : {}),
  };
}

const CLASSES: Record<string, new (message: string) => MacaroonError> = {
  [new DecodeError('').code]: DecodeError,
  [new EncodeError('').code]: EncodeError,
  [new EngineError('').code]: EngineError,
  [new InvalidArgumentError('').code]: InvalidArgumentError,
  [new LimitExceededError('').code]: LimitExceededError,
};

const OK: BatchResult = Object.freeze({ ok: true });

export function fromWireResult(result: WireResult): BatchResult {
  if (result === true) return OK;
  if (result.reason !== undefined) {
    return { ok: false, error: new NotAuthorizedError(result.reason as NotAuthorizedReason, result.message) };
  }
  const Class = CLASSES[result.code] ?? MacaroonError;
  return { ok: false, error: new Class(result.message) };
}

/** In the worker: a wire item as a Verifier batch item; a bundle is decoded here, off the main thread. */
export function fromWireItem(item: WireItem, keys: readonly (string | Uint8Array)[]): BatchItem {
  const rootKey = keys[item.key];
  if (rootKey === undefined) throw new InvalidArgumentError('batch item names no key');
  const { exact, context } = item;
  if (item.bundle !== undefined) {
    const [root, ...discharges] = Macaroon.deserializeBundle(item.bundle);
    return { macaroon: root as Macaroon, discharges, rootKey, exact, context };
  }
  return { macaroon: item.macaroon as WireToken, discharges: item.discharges ?? [], rootKey, exact, context };
}
