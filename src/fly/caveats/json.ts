/** Checks for caveat bodies given in JSON form (user input: every failure is an InvalidArgumentError). */

import { base64StdEncode } from '../../codec/base64.js';
import { InvalidArgumentError } from '../../errors.js';
import { decodeStdBase64 } from '../text.js';

export function obj(body: unknown, name: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidArgumentError(`${name} body must be an object`);
  }
  return body as Record<string, unknown>;
}

/**
 * An unsigned integer: a number (exact), a bigint, or a decimal string (JavaScript numbers cannot hold
 * every uint64, so `"18446744073709551615"` is accepted where Go's JSON has a bare number).
 */
export function uintJSON(value: unknown, name: string, bits = 64): bigint {
  let v: bigint | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^(0|[1-9][0-9]{0,400})$/.test(value)) v = BigInt(value);
  else if (typeof value === 'bigint') v = value;
  else if (value === undefined || value === null) v = 0n;
  if (v === undefined || v < 0n || v >= 1n << BigInt(bits)) {
    throw new InvalidArgumentError(`${name} must be an integer from 0 to 2^${bits}-1`);
  }
  return v;
}

export function intJSON(value: unknown, name: string): bigint {
  let v: bigint | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'bigint') v = value;
  else if (value === undefined || value === null) v = 0n;
  if (v === undefined || v < -(1n << 63n) || v >= 1n << 63n) {
    throw new InvalidArgumentError(`${name} must be a 64-bit signed integer`);
  }
  return v;
}

export function strJSON(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new InvalidArgumentError(`${name} must be a string`);
  return value;
}

export function strListJSON(value: unknown, name: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
    throw new InvalidArgumentError(`${name} must be an array of strings`);
  }
  return [...value] as string[];
}

/** Go marshals []byte as standard base64 and nil as null. */
export function bytesJSON(value: unknown, name: string): Uint8Array | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) return value.slice();
  if (typeof value !== 'string') throw new InvalidArgumentError(`${name} must be standard base64 text`);
  const b = decodeStdBase64(value);
  if (b === undefined) throw new InvalidArgumentError(`${name} must be standard base64 text`);
  return b;
}

export function bytesToJSON(value: Uint8Array | null): string | null {
  return value === null ? null : base64StdEncode(value);
}

/** A uint64 for display: a number when exact, else a bigint. */
export function uintOut(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}
