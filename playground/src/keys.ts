/**
 * Keys as typed into the page, in the encoding the user chose explicitly (never guessed: a hex string
 * is also valid text, and the two give different keys).
 */
import { base64Decode, MacaroonError } from '../../src/index.js';

export type KeyEncoding = 'text' | 'hex' | 'base64';

export const KEY_ENCODINGS: readonly KeyEncoding[] = ['text', 'hex', 'base64'];

export class KeyError extends Error {}

/** The key's bytes; throws KeyError (naming the field, never echoing the key) when it does not parse. */
export function parseKey(value: string, encoding: KeyEncoding, field: string): Uint8Array {
  if (encoding === 'text') {
    if (value === '') throw new KeyError(`${field} is empty`);
    return new TextEncoder().encode(value);
  }
  const compact = value.replace(/\s+/g, '');
  if (compact === '') throw new KeyError(`${field} is empty`);
  if (encoding === 'hex') {
    if (compact.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(compact)) {
      throw new KeyError(`${field} is not an even number of hex digits`);
    }
    return Uint8Array.from(compact.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  }
  try {
    return base64Decode(compact, field);
  } catch (e) {
    throw new KeyError(e instanceof MacaroonError ? e.message : `${field} is not base64`);
  }
}

/** The same bytes read with every other encoding that accepts them: to suggest a likely mix-up. */
export function otherReadings(
  value: string,
  encoding: KeyEncoding,
): { encoding: KeyEncoding; key: Uint8Array }[] {
  const out: { encoding: KeyEncoding; key: Uint8Array }[] = [];
  for (const other of KEY_ENCODINGS) {
    if (other === encoding) continue;
    try {
      out.push({ encoding: other, key: parseKey(value, other, 'key') });
    } catch {
      // not valid in that encoding: no suggestion
    }
  }
  return out;
}

export function isKeyEncoding(value: string | null | undefined): value is KeyEncoding {
  return value === 'text' || value === 'hex' || value === 'base64';
}
