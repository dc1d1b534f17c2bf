/**
 * Every case of every vectors/*.json file (produced by the real peers, see vectors/README.md), on every
 * engine: our decoder reads what the peer wrote, gets the peer's signature, writes the peer's bytes back
 * where our writer is meant to match (`sameBytes`), and reaches the peer's verdict.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VectorCase } from '../scripts/vectors/cases.js';
import { bytesToHex } from '../src/bytes.js';
import { ENGINES, loadEngines } from './engines.js';
import { decodeCase, ourVerdict, reserialize, writtenTokens } from './peers/cases.js';

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

for (const file of files) {
  const data = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as PeerVectorFile;

  describe(`${file} (${data.peerVersion})`, () => {
    it('has positive and negative cases', () => {
      expect(data.cases.some((c) => c.expect.verdict === 'ok')).toBe(true);
      expect(data.cases.some((c) => c.expect.verdict === 'not-authorized')).toBe(true);
    });

    describe('decoding', () => {
      for (const c of data.cases) {
        it(`${c.name}: signature ${c.sameBytes ? 'and bytes ' : ''}as the peer wrote`, () => {
          const decoded = decodeCase(c);
          expect(bytesToHex(decoded.root.signature)).toBe(c.expect.signature);
          if (c.sameBytes) expect(reserialize(c, decoded)).toEqual(writtenTokens(c));
        });
      }
    });

    for (const engine of ENGINES) {
      describe(`verdicts (${engine} engine)`, () => {
        for (const c of data.cases) {
          it(`${c.name}: ${c.expect.verdict}`, () => {
            expect(ourVerdict(c, engine).verdict).toBe(c.expect.verdict);
          });
        }
      });
    }
  });
}
