/**
 * Every case of every vectors/*.json file (produced by the real peers, see vectors/README.md), on every
 * engine: our decoder reads what the peer wrote, gets the peer's signature, writes the peer's bytes back
 * where our writer is meant to match (`sameBytes`), and reaches the peer's verdict.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ByteString, CaveatSpec, VectorCase } from '../scripts/vectors/cases.js';
import { bytesToHex, hexToBytes } from '../src/bytes.js';
import { deriveKey } from '../src/crypto/keys.js';
import { Macaroon, NotAuthorizedError, Verifier } from '../src/index.js';
import { addThirdPartyCaveatWithNonce } from '../src/macaroon.js';
import { ENGINES, type EngineName, loadEngines } from './engines.js';
import { asBytes, decodeCase, ourVerdict, reserialize, writtenTokens } from './peers/cases.js';

const DIR = new URL('../vectors/', import.meta.url);

interface PeerVectorFile {
  readonly peer: string;
  readonly peerVersion: string;
  readonly cases: readonly VectorCase[];
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'walkthrough.json')
  .sort();

beforeAll(loadEngines);

it('finds the vector files of all four peers', () => {
  expect(files).toEqual(['go-macaroon.json', 'js-macaroon.json', 'libmacaroons.json', 'pymacaroons.json']);
});

/**
 * All cases through verifyBatch: exact predicates per item, general checks through the item's context,
 * one verifier per discharge policy.
 */
function batchVerdicts(cases: readonly VectorCase[], engine: EngineName): string[] {
  const verdicts: string[] = new Array(cases.length);
  for (const allowUnusedDischarges of [false, true]) {
    const verifier = new Verifier({ engine, allowUnusedDischarges }).satisfyGeneral((p, context) =>
      (context as readonly string[]).some((prefix) => p.startsWith(prefix)),
    );
    const picked = cases.flatMap((c, i) => (c.allowUnusedDischarges === allowUnusedDischarges ? [i] : []));
    const results = verifier.verifyBatch(
      picked.map((i) => {
        const c = cases[i] as VectorCase;
        const { root, discharges } = decodeCase(c);
        return {
          macaroon: root,
          rootKey: asBytes(c.rootKey),
          discharges,
          exact: c.exact.map(asBytes),
          context: c.general.map((g) => g.value),
        };
      }),
    );
    results.forEach((r, k) => {
      if (!r.ok && !(r.error instanceof NotAuthorizedError)) throw r.error;
      verdicts[picked[k] as number] = r.ok ? 'ok' : 'not-authorized';
    });
  }
  return verdicts;
}

/** The suite every list of cases gets: decoding (signature, and bytes where meant to match), then verdicts. */
function caseSuite(cases: readonly VectorCase[]): void {
  it('has positive and negative cases', () => {
    expect(cases.some((c) => c.expect.verdict === 'ok')).toBe(true);
    expect(cases.some((c) => c.expect.verdict === 'not-authorized')).toBe(true);
  });

  describe('decoding', () => {
    for (const c of cases) {
      it(`${c.name}: signature ${c.sameBytes ? 'and bytes ' : ''}as the peer wrote`, () => {
        const decoded = decodeCase(c);
        expect(bytesToHex(decoded.root.signature)).toBe(c.expect.signature);
        const all = [decoded.root, ...decoded.discharges];
        expect(all.map((m) => bytesToHex(m.signature))).toEqual(c.expect.signatures);
        if (c.sameBytes) expect(reserialize(c, decoded)).toEqual(writtenTokens(c));
      });
    }
  });

  for (const engine of ENGINES) {
    describe(`verdicts (${engine} engine)`, () => {
      it('verifyBatch reaches every verdict in one call', () => {
        expect(batchVerdicts(cases, engine)).toEqual(cases.map((c) => c.expect.verdict));
      });

      for (const c of cases) {
        it(`${c.name}: ${c.expect.verdict}`, () => {
          expect(ourVerdict(c, engine).verdict).toBe(c.expect.verdict);
        });
      }
    });
  }
}

for (const file of files) {
  const data = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as PeerVectorFile;
  describe(`${file} (${data.peerVersion})`, () => caseSuite(data.cases));
}

interface Chain {
  readonly name: string;
  readonly location: string;
  readonly rootKey: ByteString;
  readonly identifier: ByteString;
  readonly derivedKey?: string;
  readonly caveats: readonly (CaveatSpec & { nonce?: string })[];
  readonly signatures: readonly string[];
  readonly tokens: readonly { caveats: number; format: 'v1' | 'v2'; token: string }[];
  readonly discharge?: {
    readonly location: string;
    readonly key: ByteString;
    readonly id: ByteString;
    readonly caveats: readonly CaveatSpec[];
    readonly signature: string;
    readonly boundSignature: string;
    readonly boundToken: { format: 'v1'; token: string };
  };
}

function nonce(hex: string | undefined): Uint8Array {
  const bytes = hex === undefined ? undefined : hexToBytes(hex);
  if (!bytes) throw new Error('a walkthrough third-party caveat needs its nonce');
  return bytes;
}

function addCaveat(m: Macaroon, c: CaveatSpec & { nonce?: string }): Macaroon {
  if ('predicate' in c) return m.addFirstPartyCaveat(asBytes(c.predicate));
  return addThirdPartyCaveatWithNonce(m, c.location, asBytes(c.key), asBytes(c.id), nonce(c.nonce));
}

/** The chain's macaroon after 0, 1, … caveats. */
function mintChain(chain: Chain): Macaroon[] {
  const steps = [Macaroon.create(chain.location, asBytes(chain.rootKey), asBytes(chain.identifier))];
  for (const c of chain.caveats) steps.push(addCaveat(steps.at(-1) as Macaroon, c));
  return steps;
}

describe('walkthrough.json (published chains, recomputed by the peers)', () => {
  const data = JSON.parse(readFileSync(new URL('walkthrough.json', DIR), 'utf8')) as {
    chains: readonly Chain[];
    cases: readonly VectorCase[];
  };

  for (const chain of data.chains) {
    describe(chain.name, () => {
      it('gives every signature of the chain', () => {
        expect(mintChain(chain).map((m) => bytesToHex(m.signature))).toEqual(chain.signatures);
      });

      if (chain.derivedKey) {
        it('derives the published key', () => {
          expect(bytesToHex(deriveKey(asBytes(chain.rootKey)))).toBe(chain.derivedKey);
        });
      }

      for (const t of chain.tokens) {
        it(`writes the published ${t.format} token after ${t.caveats} caveats, and reads it back`, () => {
          const m = mintChain(chain)[t.caveats] as Macaroon;
          expect(m.serialize(t.format)).toBe(t.token);
          expect(Macaroon.deserialize(t.token).equals(m)).toBe(true);
        });
      }

      const d = chain.discharge;
      if (d) {
        it('mints and binds the discharge as published', () => {
          const root = mintChain(chain).at(-1) as Macaroon;
          let discharge = Macaroon.create(d.location, asBytes(d.key), asBytes(d.id), { version: 1 });
          for (const c of d.caveats) discharge = addCaveat(discharge, c);
          expect(bytesToHex(discharge.signature)).toBe(d.signature);
          const bound = root.prepareForRequest(discharge);
          expect(bytesToHex(bound.signature)).toBe(d.boundSignature);
          expect(bound.serialize(d.boundToken.format)).toBe(d.boundToken.token);
        });
      }
    });
  }

  describe('cases', () => caseSuite(data.cases));
});
