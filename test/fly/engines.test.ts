/**
 * Fly verification on every engine: the HMAC chains run on the TS engine, the WASM scalar build and the
 * WASM SIMD build (Engine.hmacChains), and every verdict is the same: each committed superfly vector
 * and reverse-check case reaches Go's verdict on each engine, one header at a time and all together in
 * one verifyFlyBatch, and tampered tokens (a flipped byte in a tail, a caveat, a nonce, a discharge)
 * give identical verdicts, errors and reasons everywhere.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/bytes.js';
import { setWasmEngine, wasmEngineLoaded } from '../../src/engine/registry.js';
import type { Engine } from '../../src/engine/types.js';
import { createWasmEngine } from '../../src/engine/wasm.js';
import { compileEngineModule } from '../../src/engine/wasm-modules.js';
import { encodeFlyToken, FlyMacaroon } from '../../src/fly/index.js';
import {
  type FlyBatchRequest,
  type FlyVerifyOptions,
  type FlyVerifyResult,
  verifyFly,
  verifyFlyBatch,
} from '../../src/fly/verify.js';
import { base64Decode } from '../../src/index.js';

interface Case {
  readonly name: string;
  readonly header: string;
  readonly key: string;
  readonly location: string;
  readonly access: unknown;
  readonly now: number;
  readonly trusted3Ps?: Record<string, string[]>;
  readonly expect?: { ok: boolean; stage?: string };
  readonly go?: { ok: boolean; stage?: string };
}

const text = (p: string) => readFileSync(new URL(p, import.meta.url), 'utf8');
// Integers beyond 2^53 as decimal strings (as vectors.test.ts reads them).
const superfly = JSON.parse(
  text('../../vectors/fly/superfly.json').replace(/([:[,]\s*)(\d{16,})(?=\s*[,\]}])/g, (m, pre, digits) =>
    Number.isSafeInteger(Number(digits)) ? m : `${pre}"${digits}"`,
  ),
) as { cases: Case[] };
const reverse = JSON.parse(text('../../vectors/fly/reverse.json')) as { cases: Case[] };
const CASES: Case[] = [...superfly.cases, ...reverse.cases];

const ENGINES: { name: string; engine?: Engine }[] = [{ name: 'js' }, { name: 'scalar' }, { name: 'simd' }];
let loaded: Engine | undefined;
beforeAll(async () => {
  loaded = wasmEngineLoaded();
  for (const e of ENGINES)
    if (e.name !== 'js') e.engine = createWasmEngine(await compileEngineModule(e.name as 'scalar' | 'simd'));
});
afterAll(() => setWasmEngine(loaded));

/** Runs `fn` with the chains on the named engine ('js' forces the TS engine; a build becomes 'wasm'). */
function on<T>(e: { name: string; engine?: Engine }, fn: (engine: 'js' | 'wasm') => T): T {
  if (e.name === 'js') return fn('js');
  setWasmEngine(e.engine);
  try {
    return fn('wasm');
  } finally {
    setWasmEngine(loaded);
  }
}

function optionsOf(c: Case): FlyVerifyOptions {
  return {
    keys: () => hexToBytes(c.key) as Uint8Array,
    access: c.access as never,
    now: c.now * 1000,
    location: c.location,
    trusted3Ps: Object.fromEntries(
      Object.entries(c.trusted3Ps ?? {}).map(([loc, keys]) => [
        loc,
        keys.map((k) => hexToBytes(k) as Uint8Array),
      ]),
    ),
  };
}

/** Everything a verdict says, as comparable data. */
function verdict(r: FlyVerifyResult): unknown {
  if (r.ok)
    return {
      ok: true,
      caveats: JSON.parse(JSON.stringify(r.caveats, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))),
    };
  const e = r.error as { code: string; message: string; reason?: string; causes?: { reason: string }[] };
  return {
    ok: false,
    stage: r.stage,
    code: e.code,
    message: e.message,
    reason: e.reason,
    causes: e.causes?.map((c) => c.reason),
  };
}

/** The tokens of a header, each with one byte flipped at a few places (tail, middle, nonce). */
function tampered(header: string): string[] {
  const m = /^(FlyV1 |Bearer )?(.*)$/s.exec(header);
  const scheme = m?.[1] ?? '';
  const tokens = (m?.[2] ?? '').split(',');
  const out: string[] = [];
  tokens.forEach((t, i) => {
    const label = /^(fm2_|fm1r_|fm1a_)/.exec(t.trim())?.[1];
    if (!label) return;
    const bytes = base64Decode(t.trim().slice(label.length));
    for (const at of [bytes.length - 1, bytes.length - 20, Math.floor(bytes.length / 2), 5]) {
      if (at < 0 || at >= bytes.length) continue;
      const b = bytes.slice();
      b[at] = (b[at] as number) ^ 0x01;
      const copy = tokens.slice();
      copy[i] = encodeFlyToken(b);
      out.push(scheme + copy.join(','));
    }
  });
  return out;
}

/** Whether the header's first token decodes and is the permission token. */
function firstIsPermission(c: Case): boolean {
  const first =
    c.header
      .replace(/^(FlyV1|Bearer) /, '')
      .split(',')[0]
      ?.trim() ?? '';
  try {
    return FlyMacaroon.decode(first).location === c.location;
  } catch {
    return false;
  }
}

describe('Fly verification gives the same verdicts on every engine', () => {
  it('runs each superfly and reverse-check case to Go verdict on every engine, alone and batched', () => {
    expect(CASES.length).toBeGreaterThan(100);
    for (const e of ENGINES) {
      const alone = on(e, (engine) => CASES.map((c) => verifyFly(c.header, { ...optionsOf(c), engine })));
      alone.forEach((r, i) => {
        const c = CASES[i] as Case;
        const go = c.expect ?? c.go;
        expect(r.ok ? 'ok' : r.stage, `${e.name}: ${c.name}`).toBe(go?.ok ? 'ok' : go?.stage);
      });
      // One batch of every case, each with its own key, access and clock: the key is looked up per header.
      const byHeader = new Map(CASES.map((c) => [c.header, c]));
      const batched = on(e, (engine) =>
        CASES.filter(
          (c) => byHeader.get(c.header) === c && !c.trusted3Ps && c.location === CASES[0]?.location,
        ).map((c) => ({
          c,
          r: verifyFlyBatch([{ header: c.header, access: c.access as never, now: c.now * 1000 }], {
            ...optionsOf(c),
            engine,
          })[0],
        })),
      );
      for (const { c, r } of batched)
        expect(verdict(r as FlyVerifyResult)).toEqual(
          verdict(verifyFly(c.header, { ...optionsOf(c), engine: 'js' })),
        );
    }
  });

  it('verifies a mixed batch in one call exactly as header by header', () => {
    // Cases that share the permission location, with their key chosen by kid from a table.
    const keyed = CASES.filter((c) => !c.trusted3Ps && c.location === CASES[0]?.location);
    const keys = new Map(keyed.map((c) => [c.key, hexToBytes(c.key) as Uint8Array]));
    expect(keys.size).toBeGreaterThan(0);
    for (const key of keys.keys()) {
      const group = keyed.filter((c) => c.key === key);
      const requests: FlyBatchRequest[] = group.map((c) => ({
        header: c.header,
        access: c.access as never,
        now: c.now * 1000,
      }));
      const options = { keys: keys.get(key) as Uint8Array, location: group[0]?.location };
      const want = group.map((c) => verdict(verifyFly(c.header, { ...optionsOf(c), engine: 'js' })));
      for (const e of ENGINES) {
        const got = on(e, (engine) => verifyFlyBatch(requests, { ...options, engine }));
        expect(got.map(verdict), e.name).toEqual(want);
      }
    }
  });

  it('gives tampered tokens identical verdicts on every engine', () => {
    let count = 0;
    let refusedTails = 0;
    for (const c of CASES) {
      const headers = tampered(c.header);
      const results = ENGINES.map((e) =>
        on(e, (engine) => verifyFlyBatch(headers, { ...optionsOf(c), engine }).map(verdict)),
      );
      expect(results[1], `scalar: ${c.name}`).toEqual(results[0]);
      expect(results[2], `simd: ${c.name}`).toEqual(results[0]);
      count += headers.length;
      // An accepted header whose first token is the permission token: its tail flipped is refused.
      const go = c.expect ?? c.go;
      if (go?.ok && headers.length > 0 && firstIsPermission(c)) {
        for (const r of results) expect((r[0] as { ok: boolean }).ok, c.name).toBe(false);
        refusedTails++;
      }
    }
    expect(count).toBeGreaterThan(300);
    expect(refusedTails).toBeGreaterThan(20);
  });
});
