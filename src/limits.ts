/**
 * Resource limits applied to untrusted input before any expensive work. Defaults are generous for real
 * tokens (a gateway token is a few hundred bytes with a handful of caveats) and small enough that a
 * hostile input cannot make a verifier spend much time or memory.
 */
import { utf8Encode } from './bytes.js';
import { InvalidArgumentError, LimitExceededError } from './errors.js';
import type { MacaroonData } from './model.js';

/**
 * Resource limits applied to untrusted input before any expensive work. Any limit not given keeps its
 * default (DEFAULT_LIMITS).
 *
 * @example
 * ```ts
 * const limits: Partial<Limits> = { maxCaveats: 32, maxDischarges: 4 };
 * const verifier = new Verifier({ limits });
 * Macaroon.deserialize(token, { limits }); // throws LimitExceededError past them
 * ```
 */
export interface Limits {
  /** Largest serialized macaroon or bundle accepted, in bytes (or characters for text). */
  readonly maxTokenBytes: number;
  /** Largest single field (identifier, caveat, verification id, location), in bytes. */
  readonly maxFieldBytes: number;
  /** Most caveats in one macaroon. */
  readonly maxCaveats: number;
  /** Most discharges sent with one root macaroon. */
  readonly maxDischarges: number;
  /** Deepest chain of discharges of discharges. */
  readonly maxDischargeDepth: number;
}

/**
 * The default limits: 64 KiB per token, 16 KiB per field, 256 caveats, 64 discharges, depth 16.
 *
 * @example
 * ```ts
 * DEFAULT_LIMITS.maxTokenBytes; // 65536
 * new Verifier({ limits: { maxTokenBytes: DEFAULT_LIMITS.maxTokenBytes / 4 } });
 * ```
 */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxTokenBytes: 64 * 1024,
  maxFieldBytes: 16 * 1024,
  maxCaveats: 256,
  maxDischarges: 64,
  maxDischargeDepth: 16,
});

/** Fills in defaults and checks that every limit is a non-negative integer. */
export function resolveLimits(partial: Partial<Limits> | undefined): Limits {
  if (partial !== undefined && (typeof partial !== 'object' || partial === null)) {
    throw new InvalidArgumentError('limits must be an object');
  }
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new InvalidArgumentError(`limit ${name} must be a non-negative integer`);
  }
  return limits;
}

export function checkFieldSize(length: number, limits: Limits, what: string): void {
  if (length > limits.maxFieldBytes) {
    throw new LimitExceededError(`${what} has ${length} bytes, over the limit of ${limits.maxFieldBytes}`);
  }
}

export function checkCaveatCount(count: number, limits: Limits): void {
  if (count > limits.maxCaveats) throw new LimitExceededError(`more than ${limits.maxCaveats} caveats`);
}

export function checkTokenSize(length: number, limits: Limits): void {
  if (length > limits.maxTokenBytes) {
    throw new LimitExceededError(`token of ${length} bytes is over the limit of ${limits.maxTokenBytes}`);
  }
}

/**
 * checkFieldSize for a location held as text: its UTF-8 length, as the binary formats carry it. Encoded
 * only when it could be over (a UTF-16 unit takes at most 3 UTF-8 bytes).
 */
export function checkLocationSize(text: string, limits: Limits, what: string): void {
  if (text.length * 3 > limits.maxFieldBytes) checkFieldSize(utf8Encode(text).length, limits, what);
}

/**
 * The per-macaroon limits (caveat count and every field, locations included) for a macaroon that was
 * decoded earlier, perhaps under other limits: a Verifier holds a Macaroon object to its own limits
 * exactly as its decoder would hold the serialized token.
 */
export function checkMacaroonLimits(m: MacaroonData, limits: Limits, what: string): void {
  if (m.caveats.length > limits.maxCaveats) {
    throw new LimitExceededError(
      `${what} has ${m.caveats.length} caveats, over the limit of ${limits.maxCaveats}`,
    );
  }
  checkFieldSize(m.identifier.length, limits, `${what}: identifier`);
  checkLocationSize(m.location, limits, `${what}: location`);
  for (const c of m.caveats) {
    checkFieldSize(c.identifier.length, limits, `${what}: caveat identifier`);
    if (c.verificationId) checkFieldSize(c.verificationId.length, limits, `${what}: verification id`);
    if (c.location) checkLocationSize(c.location, limits, `${what}: caveat location`);
  }
}
