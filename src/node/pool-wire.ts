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
  readonly rootKey: string | Uint8Array;
  readonly exact?: readonly (string | Uint8Array)[];
  /** Must survive structured cloning (plain data). */
  readonly context?: unknown;
}

export type WireResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly reason?: string; readonly message: string };

function wireToken(m: Macaroon | string | Uint8Array): WireToken {
  if (typeof m === 'string' || m instanceof Uint8Array) return m;
  // Duck-typed, so a Macaroon from another copy of this library (a dual-package install) still crosses.
  if (typeof (m as Partial<Macaroon>)?.toBytes === 'function') return m.toBytes();
  throw new InvalidArgumentError('a macaroon must be a Macaroon, string or Uint8Array');
}

export function toWireItem(item: BatchItem | BundleItem): WireItem {
  if ('bundle' in item && item.bundle !== undefined) {
    return {
      bundle: item.bundle,
      rootKey: item.rootKey,
      ...(item.exact === undefined ? {} : { exact: item.exact }),
      ...(item.context === undefined ? {} : { context: item.context }),
    };
  }
  item = item as BatchItem;
  return {
    macaroon: wireToken(item.macaroon),
    discharges: Array.isArray(item.discharges) ? item.discharges.map(wireToken) : [],
    rootKey: item.rootKey,
    ...(item.exact === undefined ? {} : { exact: item.exact }),
    ...(item.context === undefined ? {} : { context: item.context }),
  };
}

export function toWireResult(result: BatchResult): WireResult {
  if (result.ok) return { ok: true };
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

export function fromWireResult(result: WireResult): BatchResult {
  if (result.ok) return { ok: true };
  if (result.reason !== undefined) {
    return { ok: false, error: new NotAuthorizedError(result.reason as NotAuthorizedReason, result.message) };
  }
  const Class = CLASSES[result.code] ?? MacaroonError;
  return { ok: false, error: new Class(result.message) };
}

/** In the worker: a wire item as a Verifier batch item; a bundle is decoded here, off the main thread. */
export function fromWireItem(item: WireItem): BatchItem {
  const { bundle, macaroon, discharges, ...rest } = item;
  if (bundle !== undefined) {
    const [root, ...rootDischarges] = Macaroon.deserializeBundle(bundle);
    return { ...rest, macaroon: root as Macaroon, discharges: rootDischarges };
  }
  return { ...rest, macaroon: macaroon as WireToken, discharges: discharges ?? [] };
}
