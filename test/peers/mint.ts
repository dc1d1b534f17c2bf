/**
 * Our side of the mint protocol (scripts/vectors/cases.js): a plan minted with this library's public API,
 * in every format we write, so that the peers can judge what we produce.
 */
import type {
  MacaroonSpec,
  MintRequest,
  MintResult,
  Output,
  WireFormat,
} from '../../scripts/vectors/cases.js';
import { bytesToHex } from '../../src/bytes.js';
import { EncodeError, Macaroon } from '../../src/index.js';
import { asBytes } from './cases.js';

function mintOne(spec: MacaroonSpec, version: 1 | 2): Macaroon {
  let m = Macaroon.create(spec.location, asBytes(spec.key), asBytes(spec.id), { version });
  for (const c of spec.caveats) {
    m =
      'predicate' in c
        ? m.addFirstPartyCaveat(asBytes(c.predicate))
        : m.addThirdPartyCaveat(c.location, asBytes(c.key), asBytes(c.id));
  }
  return m;
}

function write(format: WireFormat, root: Macaroon, discharges: readonly Macaroon[]): Output {
  switch (format) {
    case 'slice':
      return { bundle: Macaroon.serializeBundle([root, ...discharges], 'binary') };
    case 'slice-json':
      return { bundle: Macaroon.serializeBundle([root, ...discharges], 'json') };
    default:
      return { root: root.serialize(format), discharges: discharges.map((d) => d.serialize(format)) };
  }
}

export function mintOurs(request: MintRequest): MintResult {
  const root = mintOne(request.root, request.version);
  const discharges = request.discharges.map((d) => {
    const dm = mintOne(d, d.version ?? request.version);
    return d.bind === false ? dm : root.prepareForRequest(dm);
  });
  const outputs: Partial<Record<WireFormat, Output>> = {};
  const errors: Partial<Record<WireFormat, string>> = {};
  for (const f of request.formats) {
    try {
      outputs[f] = write(f, root, discharges);
    } catch (e) {
      // By design: V1 forms refuse identifiers that are not UTF-8 (EncodeError).
      if (!(e instanceof EncodeError)) throw e;
      errors[f] = e.message;
    }
  }
  return {
    outputs,
    errors,
    signature: bytesToHex(root.signature),
    dischargeSignatures: discharges.map((d) => bytesToHex(d.signature)),
  };
}
