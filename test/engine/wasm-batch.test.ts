/**
 * The serialized batch path on both builds: base64 decoded in place, memory over many batches of token
 * strings and bytes, a general check that verifies in turn, chunking that changes no result.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64DecodeInto } from '../../src/codec/base64.js';
import { setWasmEngine, wasmEngineLoaded } from '../../src/engine/registry.js';
import { CHUNK_BYTES, createWasmEngine, type WasmEngine } from '../../src/engine/wasm.js';
import { base64Decode, Macaroon, Verifier } from '../../src/index.js';
import { BUILDS, hex } from './fixtures.js';

describe.each(BUILDS)(
  '%s: the serialized batch path (verifyBatch on token strings and bytes)',
  (_name, module) => {
    /** Runs `body` with a fresh engine of this build installed for engine: 'wasm'. */
    function withEngine<T>(body: (engine: WasmEngine) => T): T {
      const before = wasmEngineLoaded();
      const engine = createWasmEngine(module);
      setWasmEngine(engine);
      try {
        return body(engine);
      } finally {
        setWasmEngine(before);
      }
    }

    it('decodes base64 in place exactly as base64Decode, and declines what it does not take', () => {
      withEngine((engine) => {
        const samples: string[] = [];
        for (let n = 0; n < 70; n++) {
          const bytes = randomBytes(n);
          const std = bytes.toString('base64');
          const url = bytes.toString('base64url');
          samples.push(std, std.replace(/=+$/, ''), url, `${url}${'='.repeat((4 - (url.length % 4)) % 4)}`);
          // Forms left to the general decoder (some of which it accepts, some it refuses).
          samples.push(
            ` ${url}`,
            `${url}\n`,
            `${url}=`,
            `${url}==`,
            `${url}A`,
            `${url.slice(0, 3)}=${url.slice(3)}`,
          );
          samples.push(`${url}é`, `${url}*`, `${url}====`, url.slice(1));
        }
        const at = engine.tablesStart();
        for (const text of samples) {
          let expected: Uint8Array | undefined;
          try {
            expected = base64Decode(text);
          } catch {
            expected = undefined;
          }
          const { u8 } = engine.reserve(at + text.length * 4 + 16);
          const plain = /^[A-Za-z0-9+/_-]*=*$/.test(text) && !(text.endsWith('=') && text.length % 4 !== 0);
          // The JS decoder of the same forms (for modules without the export).
          const js = base64DecodeInto(text, u8, at);
          if (js >= 0) expect(hex(u8.subarray(at, at + js))).toBe(hex(expected as Uint8Array));
          const { written } = new TextEncoder().encodeInto(text, u8.subarray(at));
          const n = engine.decodeBase64InPlace(at, written);
          if (n >= 0) expect(hex(u8.subarray(at, at + n))).toBe(hex(expected as Uint8Array));
          // Every plain form that base64Decode accepts is taken; nothing else is.
          const taken = plain && expected !== undefined;
          expect(n >= 0).toBe(taken);
          expect(js >= 0).toBe(taken);
        }
        expect(engine.decodeBase64InPlace(engine.exports.memory.buffer.byteLength - 2, 4)).toBe(-1);
        expect(engine.decodeBase64InPlace(0, 4)).toBe(-1); // the module's own data
      });
    });

    it('stays at a fixed size and wipes root keys over many batches', () => {
      withEngine((engine) => {
        const rootKey = randomBytes(32);
        const caveatKey = randomBytes(32);
        const m = Macaroon.create('', rootKey, 'id')
          .addFirstPartyCaveat('a = 1')
          .addThirdPartyCaveat('tp', caveatKey, 'cid');
        const d = m.prepareForRequest(Macaroon.create('tp', caveatKey, 'cid').addFirstPartyCaveat('b = 2'));
        const v = new Verifier({ engine: 'wasm' }).satisfyExact('a = 1').satisfyGeneral((p) => p === 'b = 2');
        const items = Array.from({ length: 3000 }, (_, i) => ({
          macaroon: i % 2 ? m.serialize() : m.toBytes('v2'),
          rootKey: i % 1000 === 999 ? randomBytes(32) : rootKey,
          discharges: [d.serialize()],
        }));
        const sizes: number[] = [];
        for (let batch = 0; batch < 30; batch++) {
          const results = v.verifyBatch(items);
          expect(results.filter((r) => !r.ok).length).toBe(3);
          sizes.push(engine.exports.memory.buffer.byteLength);
        }
        expect(new Set(sizes.slice(1)).size).toBe(1);
        const memory = Buffer.from(engine.exports.memory.buffer);
        const derive = (k: Uint8Array) => createHmac('sha256', 'macaroons-key-generator').update(k).digest();
        for (const secret of [rootKey, derive(rootKey), caveatKey, derive(caveatKey)]) {
          expect(memory.indexOf(secret)).toBe(-1);
        }
      });
    });

    it('grows memory by about the size of the text for a request at the limits, not a multiple of it', () => {
      withEngine((engine) => {
        const text = 'A'.repeat(64 * 1024); // decodes to zero bytes: not a V2 token
        const item = { macaroon: text, rootKey: 'k', discharges: Array<string>(64).fill(text) };
        const [result] = new Verifier({ engine: 'wasm' }).verifyBatch([item]);
        expect(result?.error?.code).toBe('ERR_DECODE');
        // 65 texts of 64 KiB; tables bounded by maxCaveats per token, not by the text length.
        expect(engine.exports.memory.buffer.byteLength).toBeLessThan(65 * 64 * 1024 + 2 * 1024 * 1024);
      });
    });

    it('survives a general check that verifies in turn (which reuses the same memory)', () => {
      withEngine(() => {
        const inner = Macaroon.create('', 'inner key', 'inner').addFirstPartyCaveat('z = 1');
        const innerVerifier = new Verifier({ engine: 'wasm' }).satisfyExact('z = 1');
        const make = (engine: 'js' | 'wasm') =>
          new Verifier({ engine }).satisfyExact('a = 1').satisfyGeneral((p) => {
            // Verify other tokens from inside the check, then answer from the predicate.
            const nested = innerVerifier.verifyBatch([
              { macaroon: inner.serialize(), rootKey: 'inner key' },
              { macaroon: inner.serialize(), rootKey: 'wrong' },
            ]);
            return nested[0]?.ok === true && nested[1]?.ok === false && p.startsWith('ok');
          });
        const items = Array.from({ length: 40 }, (_, i) => {
          let m = Macaroon.create('', `key ${i}`, `id ${i}`).addFirstPartyCaveat('a = 1');
          m = m.addFirstPartyCaveat(i % 3 === 0 ? 'nope' : `ok ${i}`).addFirstPartyCaveat(`ok again ${i}`);
          return { macaroon: m.serialize(), rootKey: `key ${i}` };
        });
        const outcome = (results: { ok: boolean; error?: Error }[]) =>
          results.map((r) => (r.ok ? 'ok' : (r.error?.message ?? 'no error')));
        const expected = outcome(make('js').verifyBatch(items));
        expect(expected.filter((r) => r === 'ok').length).toBe(26);
        expect(outcome(make('wasm').verifyBatch(items))).toEqual(expected);
      });
    });

    it('hands non-ASCII texts to the codec and leaves the items around them intact', () => {
      withEngine(() => {
        const caveatKey = randomBytes(32);
        const items = Array.from({ length: 30 }, (_, i) => {
          const rootKey = `key ${i}`;
          const m = Macaroon.create('', rootKey, `id ${i}`)
            .addFirstPartyCaveat('a = 1')
            .addThirdPartyCaveat('tp', caveatKey, `cid ${i}`);
          const d = m.prepareForRequest(Macaroon.create('tp', caveatKey, `cid ${i}`));
          const token = m.serialize();
          // Every third item carries a text with characters of two and three UTF-8 bytes, in the root
          // or in its discharge, long enough that its encoding runs past the room of its item.
          const broken = `${token.slice(0, 10)}${'é€'.repeat(200 + i)}${token.slice(10)}`;
          if (i % 3 === 0) return { macaroon: broken, rootKey, discharges: [d.serialize()] };
          if (i % 3 === 1) return { macaroon: token, rootKey, discharges: [`€${d.serialize()}`] };
          return { macaroon: token, rootKey, discharges: [d.serialize()] };
        });
        const outcome = (results: { ok: boolean; error?: Error }[]) =>
          results.map((r) => (r.ok ? 'ok' : `${r.error?.name}: ${r.error?.message}`));
        const verifier = (engine: 'js' | 'wasm') => new Verifier({ engine }).satisfyExact('a = 1');
        const expected = outcome(verifier('js').verifyBatch(items));
        expect(expected.filter((r) => r === 'ok').length).toBe(10);
        expect(outcome(verifier('wasm').verifyBatch(items))).toEqual(expected);
      });
    });

    it('splits a batch larger than its chunk bound without changing any result', () => {
      withEngine(() => {
        let m = Macaroon.create('', 'big', 'big');
        for (let i = 0; i < 40; i++) m = m.addFirstPartyCaveat(`${i}${'c'.repeat(300)}`);
        const token = m.serialize();
        const count = Math.ceil((1.5 * CHUNK_BYTES) / token.length);
        const items = Array.from({ length: count }, (_, i) => ({
          macaroon: i % 5 === 4 ? m.toBytes('v2') : token,
          rootKey: i % 7 === 3 ? 'wrong' : 'big',
        }));
        const make = (engine: 'js' | 'wasm') =>
          new Verifier({ engine }).satisfyGeneral((p) => p.endsWith('c'));
        const ok = (results: { ok: boolean }[]) => results.map((r) => r.ok);
        const expected = ok(make('js').verifyBatch(items));
        expect(expected.filter((r) => !r).length).toBe(Math.floor((count + 3) / 7));
        expect(ok(make('wasm').verifyBatch(items))).toEqual(expected);
      });
    });
  },
);
