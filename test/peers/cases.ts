/**
 * Our side of a vector or interop case: decode it with Macaroon.deserialize(Bundle), verify it with a
 * Verifier configured from the case's data, and write it back in the case's format.
 */
import type { ByteString, VerifyCase, WireFormat } from '../../scripts/vectors/cases.js';
import { bytesToHex, hexToBytes, utf8Encode } from '../../src/bytes.js';
import { Macaroon, MacaroonError, NotAuthorizedError, Verifier } from '../../src/index.js';
import type { EngineName } from '../engines.js';

export function asBytes(value: ByteString): Uint8Array {
  if ('text' in value) return utf8Encode(value.text);
  const bytes = hexToBytes(value.hex);
  if (!bytes) throw new Error(`bad hex in vector: ${value.hex}`);
  return bytes;
}

export interface Decoded {
  readonly root: Macaroon;
  readonly discharges: Macaroon[];
}

export function decodeCase(c: VerifyCase): Decoded {
  if (c.bundle !== undefined) {
    const [root, ...discharges] = Macaroon.deserializeBundle(c.bundle);
    if (!root) throw new Error(`empty bundle in ${c.name}`);
    return { root, discharges };
  }
  if (c.root === undefined) throw new Error(`case ${c.name} has neither root nor bundle`);
  return {
    root: Macaroon.deserialize(c.root),
    discharges: (c.discharges ?? []).map((d) => Macaroon.deserialize(d)),
  };
}

export function verifierFor(c: VerifyCase, engine: EngineName | 'auto'): Verifier {
  const v = new Verifier({ engine, allowUnusedDischarges: c.allowUnusedDischarges });
  for (const p of c.exact) v.satisfyExact(asBytes(p));
  for (const g of c.general) {
    if (g.kind !== 'prefix') throw new Error(`unknown general check kind ${g.kind}`);
    v.satisfyGeneral((predicate) => predicate.startsWith(g.value));
  }
  return v;
}

export type OurVerdict = { verdict: 'ok' | 'not-authorized'; signature: string; reason?: string };

/** Our verdict on a case; decoding errors and other MacaroonErrors propagate (they are failures). */
export function ourVerdict(c: VerifyCase, engine: EngineName | 'auto'): OurVerdict {
  const { root, discharges } = decodeCase(c);
  const signature = bytesToHex(root.signature);
  try {
    verifierFor(c, engine).verify(root, asBytes(c.rootKey), discharges);
    return { verdict: 'ok', signature };
  } catch (e) {
    if (e instanceof NotAuthorizedError) return { verdict: 'not-authorized', signature, reason: e.reason };
    throw e;
  }
}

/** The case's macaroons written again by us in the case's format: the root (or the whole bundle), then discharges. */
export function reserialize(c: VerifyCase, decoded: Decoded): string[] {
  const format = c.format as WireFormat;
  if (format === 'slice') return [Macaroon.serializeBundle([decoded.root, ...decoded.discharges], 'binary')];
  if (format === 'slice-json')
    return [Macaroon.serializeBundle([decoded.root, ...decoded.discharges], 'json')];
  return [decoded.root, ...decoded.discharges].map((m) => m.serialize(format));
}

/** The tokens of the case as the writer wrote them, in the order reserialize() returns ours. */
export function writtenTokens(c: VerifyCase): string[] {
  if (c.bundle !== undefined) return [c.bundle];
  return [c.root as string, ...(c.discharges ?? [])];
}

export { MacaroonError };
