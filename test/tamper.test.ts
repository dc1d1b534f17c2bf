/**
 * Tampering: every single-bit flip in the signed content of a token and of each of its
 * discharges is rejected, for tokens decoded from every format, by every engine. Locations are hints
 * outside the signature, so flipping them must change nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Format, Macaroon, MacaroonError, Verifier } from '../src/index.js';
import { macaroonData } from '../src/macaroon.js';
import type { CaveatData, MacaroonData } from '../src/model.js';
import { ENGINES, loadEngines } from './engines.js';

beforeAll(loadEngines);

const ROOT_KEY = 'tamper test root key';

function request() {
  const root = Macaroon.create('https://svc/', ROOT_KEY, 'root-id-1')
    .addFirstPartyCaveat('account = 42')
    .addThirdPartyCaveat('https://auth/', 'third party key', 'auth-cid')
    .addFirstPartyCaveat('action = read');
  const discharge = Macaroon.create('https://auth/', 'third party key', 'auth-cid')
    .addFirstPartyCaveat('user = alice')
    .addThirdPartyCaveat('https://mfa/', 'mfa key', 'mfa-cid');
  const mfa = Macaroon.create('https://mfa/', 'mfa key', 'mfa-cid').addFirstPartyCaveat('mfa = ok');
  return [root, root.prepareForRequest(discharge), root.prepareForRequest(mfa)] as const;
}

const verifier = (engine: (typeof ENGINES)[number]) =>
  new Verifier({ engine })
    .satisfyExact('account = 42')
    .satisfyExact('action = read')
    .satisfyExact('user = alice')
    .satisfyExact('mfa = ok');

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}

/** Every macaroon obtained by flipping one bit of one signed field (or the signature) of `m`. */
function* bitFlips(m: MacaroonData): Generator<[string, MacaroonData]> {
  for (let bit = 0; bit < m.identifier.length * 8; bit++) {
    yield [`identifier bit ${bit}`, { ...m, identifier: flip(m.identifier, bit) }];
  }
  for (let bit = 0; bit < m.signature.length * 8; bit++) {
    yield [`signature bit ${bit}`, { ...m, signature: flip(m.signature, bit) }];
  }
  for (let ci = 0; ci < m.caveats.length; ci++) {
    const c = m.caveats[ci] as CaveatData;
    const withCaveat = (changed: CaveatData) => ({
      ...m,
      caveats: m.caveats.map((x, i) => (i === ci ? changed : x)),
    });
    for (let bit = 0; bit < c.identifier.length * 8; bit++) {
      yield [`caveat ${ci} id bit ${bit}`, withCaveat({ ...c, identifier: flip(c.identifier, bit) })];
    }
    const vid = c.verificationId;
    if (vid) {
      for (let bit = 0; bit < vid.length * 8; bit++) {
        yield [`caveat ${ci} vid bit ${bit}`, withCaveat({ ...c, verificationId: flip(vid, bit) })];
      }
    }
  }
}

const FORMATS: Format[] = ['v1', 'v2', 'v1j', 'v2j'];

for (const engine of ENGINES) {
  describe(`tampering (${engine} engine)`, () => {
    it.each(FORMATS)('rejects every single-bit flip of a token decoded from %s', (format) => {
      const decoded = request().map((m) => Macaroon.deserialize(m.serialize(format)));
      const v = verifier(engine);
      const [root, ...discharges] = decoded as [Macaroon, Macaroon, Macaroon];
      expect(v.verifyUnsafe(root, ROOT_KEY, discharges)).toBe(true);
      let flips = 0;
      let expected = 0;
      for (const m of decoded) {
        const d = macaroonData(m);
        expected += d.identifier.length + d.signature.length;
        for (const c of d.caveats) expected += c.identifier.length + (c.verificationId?.length ?? 0);
      }
      decoded.forEach((target, index) => {
        for (const [where, changed] of bitFlips(macaroonData(target))) {
          const set = decoded.map((m, i) => (i === index ? Macaroon.fromData(changed) : m));
          const [r, ...ds] = set as [Macaroon, ...Macaroon[]];
          const accepted = v.verifyUnsafe(r, ROOT_KEY, ds);
          if (accepted) throw new Error(`accepted a flip of macaroon ${index} ${where}`);
          flips++;
        }
      });
      expect(flips).toBe(expected * 8);
    });

    it('ignores locations, which are not signed', () => {
      const [root, ...discharges] = request();
      const relocated = [root, ...discharges].map((m) => {
        const d = macaroonData(m);
        return Macaroon.fromData({
          ...d,
          location: 'https://elsewhere/',
          caveats: d.caveats.map((c) => (c.verificationId ? { ...c, location: 'https://other/' } : c)),
        });
      });
      const [r, ...ds] = relocated as [Macaroon, ...Macaroon[]];
      expect(verifier(engine).verifyUnsafe(r, ROOT_KEY, ds)).toBe(true);
    });

    it('detects removed, reordered and swapped caveats', () => {
      const [root, ...discharges] = request();
      const d = macaroonData(root);
      const v = verifier(engine);
      const variants: MacaroonData['caveats'][] = [];
      for (let i = 0; i < d.caveats.length; i++) variants.push(d.caveats.filter((_, j) => j !== i));
      for (let i = 0; i + 1 < d.caveats.length; i++) {
        const swapped = [...d.caveats];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1] as CaveatData, swapped[i] as CaveatData];
        variants.push(swapped);
      }
      // A caveat from another token, in place of one of ours.
      const other = macaroonData(
        Macaroon.create('x', ROOT_KEY, 'root-id-2').addFirstPartyCaveat('account = 43'),
      );
      variants.push([other.caveats[0] as CaveatData, ...d.caveats.slice(1)]);
      variants.push([...d.caveats, other.caveats[0] as CaveatData]);
      for (const caveats of variants) {
        const changed = Macaroon.fromData({ ...d, caveats });
        let ok: boolean;
        try {
          ok = v.verifyUnsafe(changed, ROOT_KEY, discharges);
        } catch (e) {
          expect(e).toBeInstanceOf(MacaroonError);
          ok = false;
        }
        expect({ variant: variants.indexOf(caveats), ok }).toEqual({
          variant: variants.indexOf(caveats),
          ok: false,
        });
      }
      expect(variants.length).toBe(7);
    });
  });
}
