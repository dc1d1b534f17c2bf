/**
 * The playground page in real Chromium (Debian's /usr/bin/chromium through playwright-core): built into a
 * temporary folder, served on a free loopback port, driven as a user would. Fields and verdicts shown are
 * checked against the library in Node and against the peers' own verdicts (vectors/).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayground } from '../../playground/build.js';
import { servePlayground } from '../../playground/serve.js';
import type { ByteString, VectorCase } from '../../scripts/vectors/cases.js';
import { checkers } from '../../src/bakery/index.js';
import { bytesToHex } from '../../src/bytes.js';
import { timeBefore } from '../../src/gateway/checks.js';
import { Macaroon, NotAuthorizedError, Verifier } from '../../src/index.js';

const CHROMIUM = process.env.RUNTIMES_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

// The libmacaroons README token: three caveats, `time < 2020-01-01T00:00` among them.
const README_KEY = 'this is our super secret key; only we should know it';
const README_TOKEN =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDIwY2lkIHRpbWUgPCAyMDIwLTAxLTAxVDAwOjAwCjAwMjJjaWQgZW1haWwgPSBhbGljZUBleGFtcGxlLm9yZwowMDJmc2lnbmF0dXJlIN31U-Rgg-VbjXGrgivj2PzyHWvxnEDWF7uftDiTRHS2Cg';
// The README's tampered example: standard base64 wrapped at 76 columns, signature not matching the key.
const README_TAMPERED =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNl\nY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDIwY2lkIHRpbWUgPCAyMDIw\nLTAxLTAxVDAwOjAwCjAwMjJjaWQgZW1haWwgPSBhbGljZUBleGFtcGxlLm9yZwowMDJmc2lnbmF0\ndXJlID8f19FL+bkC9p/aoMmIecC7GxdOcLVyUnrv6lJMM7NSCg==\n';
const README_EXACT = ['account = 3735928559', 'email = alice@example.org'];

const chromiumMissing = !existsSync(CHROMIUM);

/** A case of vectors/bakery/*.json: the root as the peer wrote it, the slice (root and bound discharges). */
interface BakeryCase {
  readonly plan: string;
  readonly version: number;
  readonly macaroon: Record<string, unknown>;
  readonly slice: readonly Record<string, unknown>[];
  readonly verdicts: readonly { readonly nowMs: number; readonly ok: boolean; readonly error?: string }[];
}

interface Served {
  server: Server;
  url: string;
}

let dir: string;
let shots: string;
let plain: Served;
let strictCsp: Served;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];

async function open(url: string): Promise<Page> {
  const p = await context.newPage();
  p.on('request', (r) => requests.push(r.url()));
  p.on('pageerror', (e) => pageErrors.push(e.message));
  await p.goto(url);
  await p.waitForSelector('html[data-engine-ready]');
  return p;
}

/** Sets the verification inputs; `now` empty means the current time. */
async function setVerify(
  p: Page,
  o: { key: string; encoding?: string; exact?: string[]; now?: string; discharges?: string },
) {
  await p.fill('#root-key', o.key);
  await p.check(`input[name="key-encoding"][value="${o.encoding ?? 'text'}"]`);
  await p.fill('#exact', (o.exact ?? []).join('\n'));
  await p.fill('#now', o.now ?? '');
  await p.fill('#discharges', o.discharges ?? '');
}

async function verdict(p: Page) {
  return p.$eval('#verdict .verdict', (el) => ({
    verdict: el.getAttribute('data-verdict'),
    reason: el.getAttribute('data-reason'),
    macaroon: el.querySelector('.failed-macaroon')?.textContent ?? null,
    caveat: el.querySelector('.failed-caveat')?.textContent ?? null,
    text: el.textContent ?? '',
  }));
}

async function decoded(p: Page) {
  return p.$$eval('#decoded article.macaroon', (cards) =>
    cards.map((card) => {
      const dd = (term: string) =>
        Array.from(card.querySelectorAll(':scope > dl > dt')).find((dt) => dt.textContent === term)
          ?.nextElementSibling;
      return {
        format: card.querySelector('h3 .tag')?.textContent,
        location: dd('location')?.textContent,
        identifier: dd('identifier')?.textContent,
        caveats: Array.from(card.querySelectorAll('ol.caveats > li')).map((li) => li.textContent),
        signature: card.querySelector('.signature')?.textContent,
      };
    }),
  );
}

/** What the library in Node says for the same inputs: 'authorized' or the reason code. */
function nodeVerdict(
  root: Macaroon,
  discharges: Macaroon[],
  key: string,
  exact: string[],
  now: number,
): string {
  const v = new Verifier().satisfyGeneral((p) => timeBefore(p, { now }));
  for (const e of exact) v.satisfyExact(e);
  try {
    v.verify(root, key, discharges);
    return 'authorized';
  } catch (e) {
    if (e instanceof NotAuthorizedError) return e.reason;
    throw e;
  }
}

describe.skipIf(chromiumMissing)('the playground page in Chromium', () => {
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    dir = mkdtempSync(join(tmpdir(), 'macaroon-playground-'));
    shots = join(dir, 'screenshots');
    await buildPlayground(join(dir, 'site'));
    plain = await servePlayground({ dir: join(dir, 'site') });
    // A site whose policy forbids compiling WebAssembly (no 'wasm-unsafe-eval'): both policies apply.
    strictCsp = await servePlayground({
      dir: join(dir, 'site'),
      headers: { 'content-security-policy': "script-src 'self'" },
    });
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    page = await open(plain.url);
  });

  afterAll(async () => {
    await context?.close();
    plain?.server.close();
    strictCsp?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the WASM engine and says so', async () => {
    expect(await page.getAttribute('#engine', 'data-engine')).toMatch(/^wasm-(simd|scalar)$/);
    expect(await page.textContent('#engine')).toMatch(/Engine: WebAssembly/);
  });

  it('decodes the libmacaroons README token: format, location, identifier, caveats in order, signature', async () => {
    await page.fill('#token', README_TOKEN);
    expect(await page.textContent('#detected-format')).toBe('V1 binary, URL-safe base64');
    const [m, ...rest] = await decoded(page);
    expect(rest).toEqual([]);
    expect(m).toEqual({
      format: 'V1 binary',
      location: 'http://mybank/',
      identifier: 'we used our secret key',
      caveats: [
        'first-party account = 3735928559',
        'first-party time < 2020-01-01T00:00',
        'first-party email = alice@example.org',
      ],
      signature: bytesToHex(Macaroon.deserialize(README_TOKEN).signature),
    });
  });

  it('verifies it: authorized before 2020, not authorized now (the time caveat named), as the library says', async () => {
    await page.fill('#token', README_TOKEN);
    await setVerify(page, { key: README_KEY, exact: README_EXACT, now: '2019-06-01T00:00:00Z' });
    let v = await verdict(page);
    expect(v.verdict).toBe('authorized');
    expect(v.text).toMatch(/WebAssembly/);

    await page.fill('#now', '');
    v = await verdict(page);
    const m = Macaroon.deserialize(README_TOKEN);
    expect(nodeVerdict(m, [], README_KEY, README_EXACT, Date.now())).toBe('caveat-not-satisfied');
    expect(v).toMatchObject({
      verdict: 'not-authorized',
      reason: 'caveat-not-satisfied',
      macaroon: 'root macaroon',
      caveat: '2: time < 2020-01-01T00:00',
    });
    // The chain: derive, identifier, three caveats; ends with the token's signature.
    const steps = await page.$$eval('#chain .trace[data-index="0"] li.step', (lis) =>
      lis.map((li) => [li.getAttribute('data-kind'), li.querySelector('code')?.textContent]),
    );
    expect(steps.map((s) => s[0])).toEqual([
      'derive',
      'identifier',
      'first-party',
      'first-party',
      'first-party',
    ]);
    expect(steps.at(-1)?.[1]).toBe(bytesToHex(m.signature));
    expect(await page.textContent('#chain .trace[data-index="0"] .compare')).toMatch(
      /ends with the token's signature/,
    );
  });

  it('shows the README tampered token (standard base64, line breaks) as a signature mismatch', async () => {
    await page.fill('#token', README_TAMPERED);
    await setVerify(page, { key: README_KEY, exact: README_EXACT, now: '2019-06-01T00:00:00Z' });
    expect(await page.textContent('#detected-format')).toBe(
      'V1 binary, standard base64, padded, with line breaks',
    );
    expect(await verdict(page)).toMatchObject({
      verdict: 'not-authorized',
      reason: 'signature-mismatch',
      macaroon: 'root macaroon',
    });
    expect(await page.textContent('#chain .trace[data-index="0"] .compare')).toMatch(/does not end/);
  });

  it('says when the key was given in the wrong encoding', async () => {
    const hexKey = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
    const token = Macaroon.create('loc', Buffer.from(hexKey, 'hex'), 'id').serialize();
    await page.fill('#token', token);
    await setVerify(page, { key: hexKey, encoding: 'text' });
    expect((await verdict(page)).reason).toBe('signature-mismatch');
    expect(await page.textContent('#chain .hints')).toMatch(/root key read as hex/);
    await page.check('input[name="key-encoding"][value="hex"]');
    expect((await verdict(page)).verdict).toBe('authorized');
  });

  // Peer tokens of the gateway's shape: first-party caveats and a third-party caveat with a bound
  // discharge (vectors/*/third-party/bound), valid and each forgery, in every format each peer writes.
  for (const peer of ['go-macaroon', 'pymacaroons', 'libmacaroons', 'js-macaroon']) {
    it(`shows ${peer}'s third-party tokens with the peer's verdict and the library's reason`, async () => {
      const file = JSON.parse(readFileSync(new URL(`../../vectors/${peer}.json`, import.meta.url), 'utf8'));
      const cases = (file.cases as VectorCase[]).filter((c) => c.name.startsWith('third-party/bound/'));
      expect(cases.length).toBeGreaterThan(5);
      const now = Date.parse('2029-01-01T00:00:00Z');
      for (const c of cases) {
        const text = (b: ByteString) => ('text' in b ? b.text : '');
        const exact = c.exact.map(text);
        const key = text(c.rootKey);
        const token = c.bundle ?? (c.root as string);
        const discharges = c.bundle ? '' : (c.discharges ?? []).join('\n\n');
        await page.fill('#token', token);
        await setVerify(page, { key, exact, now: '2029-01-01T00:00:00Z', discharges });
        const cards = await decoded(page);
        const list = c.bundle
          ? Macaroon.deserializeBundle(c.bundle)
          : [Macaroon.deserialize(c.root as string)];
        const all = [...list, ...(c.bundle ? [] : (c.discharges ?? []).map((d) => Macaroon.deserialize(d)))];
        expect(cards.length, c.name).toBe(list.length);
        expect(cards[0]?.signature, c.name).toBe(c.expect.signature);
        expect(cards[0]?.caveats[0], c.name).toBe('first-party account = 3735928559');
        expect(cards[0]?.caveats[1], c.name).toMatch(
          /^third-party locationhttp:\/\/auth\.mybank\/identifierthis was how/,
        );
        const expected = nodeVerdict(all[0] as Macaroon, all.slice(1), key, exact, now);
        const v = await verdict(page);
        expect(v.verdict, c.name).toBe(c.expect.verdict === 'ok' ? 'authorized' : 'not-authorized');
        if (expected !== 'authorized') expect(v.reason, c.name).toBe(expected);
        // The chain view reaches the same conclusion as the verifier.
        const mismatches = await page.$$eval('#chain .trace.mismatch', (els) =>
          els.map((e) => e.getAttribute('data-index')),
        );
        if (expected === 'signature-mismatch') expect(mismatches.length, c.name).toBeGreaterThan(0);
        if (expected === 'authorized') expect(mismatches, c.name).toEqual([]);
        if (c.name.endsWith('/extra-caveat')) {
          expect(await page.textContent('#chain .hints'), c.name).toMatch(
            /added without updating the signature/,
          );
        }
        if (c.name.endsWith('/valid')) {
          const bind = await page.$$eval('#chain li.step[data-kind="bind"]', (els) => els.length);
          expect(bind, c.name).toBe(1);
        }
      }
    });
  }

  // macaroon-bakery tokens minted by Go and Python bakery (vectors/bakery): JSON macaroons of bakery
  // versions 1 to 3 (version 3 with its caveat data), public-key third parties, Oven ids; verified with
  // bakery's standard checkers at each "now" the peer was asked about, expecting the peer's verdict.
  for (const peer of ['go-bakery', 'python-bakery']) {
    it(`decodes and verifies ${peer}'s tokens with the standard checkers at each "now", as the peer did`, async () => {
      const file = JSON.parse(
        readFileSync(new URL(`../../vectors/bakery/${peer}.json`, import.meta.url), 'utf8'),
      );
      const cases = file.cases as BakeryCase[];
      expect(cases.length).toBeGreaterThan(10);
      let checked = 0;
      for (const c of cases) {
        const name = `${c.plan} v${c.version}`;
        await page.fill('#token', JSON.stringify(c.macaroon));
        await setVerify(page, {
          key: file.rootKey,
          encoding: 'base64',
          discharges: c.slice
            .slice(1)
            .map((m) => JSON.stringify(m))
            .join('\n\n'),
        });
        expect(
          await page.$eval('#decoded', (el) => el.querySelector('.problem')?.textContent ?? null),
          name,
        ).toBeNull();
        if ('m' in c.macaroon)
          expect(await page.textContent('#detected-format'), name).toMatch(
            /^bakery JSON macaroon \(bakery version 3/,
          );
        const notes = await page.$$eval('#decoded .bakery-id', (els) => els.map((e) => e.textContent ?? ''));
        if (c.plan.startsWith('Oven id'))
          expect(notes[0], name).toBe('bakery Oven id, storage id "0", ops account-42:read,write');
        if (c.plan.includes('public-key third part')) {
          expect(
            notes.some((n) => n.startsWith(`bakery v${c.version === 3 ? 3 : c.version} caveat`)),
            name,
          ).toBe(true);
        }
        for (const v of c.verdicts) {
          await page.fill('#now', new Date(v.nowMs).toISOString());
          const got = await verdict(page);
          expect(got.verdict, `${name} at ${v.nowMs}`).toBe(v.ok ? 'authorized' : 'not-authorized');
          if (!v.ok && /expired/.test(v.error ?? '')) expect(got.reason, name).toBe('caveat-not-satisfied');
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
    });
  }

  it('builds a public-key (bakery) third-party caveat and its discharge through the UI, verified in Node', async () => {
    await page.fill('#token', '');
    await setVerify(page, { key: 'root key of a bakery-style service', exact: [] });
    await page.fill('#mint-id', 'bakery-style');
    await page.click('#mint button[type="submit"]');
    await page.fill('#caveat', 'time-before 2099-01-01T00:00:00Z');
    await page.click('#attenuate button[type="submit"]');
    await page.check('input[name="tp-mode"][value="public"]');
    expect(await page.isVisible('#tp-public-key')).toBe(true);
    expect(await page.isVisible('#tp-key')).toBe(false);
    await page.click('#tp-generate');
    const pair = JSON.parse(await page.inputValue('#discharge-key-pair'));
    expect(await page.inputValue('#tp-public-key')).toBe(pair.public);
    await page.fill('#tp-location', 'https://identity.example/');
    await page.fill('#tp-condition', 'is-user alice');
    await page.selectOption('#tp-version', '3');
    await page.click('#third-party button[type="submit"]');
    expect(await page.textContent('#build-error')).toBe('');
    expect(await page.textContent('#detected-format')).toMatch(
      /^bakery JSON macaroon \(bakery version 3, V2 JSON inside, caveat data for 1 caveat\)/,
    );
    expect(await page.textContent('#decoded .caveat.third .bakery-id')).toMatch(/^bakery v3 caveat/);
    expect((await verdict(page)).reason).toBe('discharge-missing');

    await page.selectOption('#discharge-for', '1');
    await page.fill('#discharge-caveats', 'declared user alice\ntime-before 2098-01-01T00:00:00Z');
    await page.click('#discharge button[type="submit"]');
    expect(await page.textContent('#build-error')).toBe('');
    expect((await verdict(page)).verdict).toBe('authorized');
    await page.fill('#now', '2098-06-01T00:00:00Z');
    expect(await verdict(page)).toMatchObject({
      verdict: 'not-authorized',
      reason: 'caveat-not-satisfied',
      macaroon: 'discharge 1',
    });
    await page.fill('#now', '');

    await page.selectOption('#convert-format', 'json');
    await page.click('#convert button[type="submit"]');
    const [root, ...discharges] = Macaroon.deserializeBundle(await page.inputValue('#convert-output'));
    const v = new Verifier().satisfyChecker(checkers.std());
    expect(() => v.verify(root as Macaroon, 'root key of a bakery-style service', discharges)).not.toThrow();
    expect(
      v.verifyUnsafe(root as Macaroon, 'root key of a bakery-style service', discharges, {
        context: { now: Date.parse('2098-06-01T00:00:00Z') },
      }),
    ).toBe(false);
    await page.check('input[name="tp-mode"][value="shared"]');
  });

  it('shows the library message and the position for bad input, never a blank page', async () => {
    const bad = `${README_TOKEN.slice(0, 20)}!${README_TOKEN.slice(21)}`;
    await page.fill('#token', bad);
    const problem = await page.$eval('#decoded .problem', (el) => ({
      code: el.getAttribute('data-code'),
      message: el.querySelector('.message')?.textContent,
      mark: el.querySelector('mark')?.textContent,
      position: el.querySelector('.position')?.textContent,
    }));
    expect(problem.code).toBe('ERR_DECODE');
    expect(problem.message).toMatch(/unexpected character at offset 20/);
    expect(problem.mark).toBe('!');
    expect(problem.position).toMatch(/character 20/);

    // Truncated binary: the byte position comes from the library's message.
    await page.fill('#token', Buffer.from('0011identifier x\n00ffcid y\n').toString('base64url'));
    const truncated = await page.$eval('#decoded .problem', (el) => el.textContent);
    expect(truncated).toMatch(/V1 packet at offset 17/);
    expect(truncated).toMatch(/byte 17 of the decoded bytes/);

    // Truncated V2: its second header field (at byte 6) claims 32 bytes where one remains.
    await page.fill('#token', Buffer.from([2, 1, 3, 97, 98, 99, 2, 32, 120]).toString('base64url'));
    const v2 = await page.$eval('#decoded .problem', (el) => el.textContent);
    expect(v2).toMatch(/V2 header field is truncated at offset 6/);
    expect(v2).toMatch(/byte 6 of the decoded bytes/);

    // Malformed JSON: the browser's parser supplies the position the library does not.
    await page.fill('#token', '{"v":2,"i":"x" "s64":"AA"}');
    const json = await page.$eval('#decoded .problem', (el) => el.textContent);
    expect(json).toMatch(/malformed JSON/);
    expect(json).toMatch(/character 15/);
    expect(pageErrors).toEqual([]);
  });

  it('builds a token through the UI that the library in Node verifies', async () => {
    const rootKey = 'a1'.repeat(32);
    const caveatKey = 'c0ffee'.repeat(10);
    await page.fill('#token', '');
    await setVerify(page, { key: rootKey, encoding: 'hex', exact: ['account = 42'], now: '' });
    await page.fill('#mint-location', 'https://api.example/');
    await page.fill('#mint-id', 'built-in-the-browser');
    await page.click('#mint button[type="submit"]');
    await page.fill('#caveat', 'account = 42');
    await page.click('#attenuate button[type="submit"]');
    await page.fill('#caveat', 'time < 2099-01-01T00:00:00Z');
    await page.click('#attenuate button[type="submit"]');
    await page.fill('#tp-location', 'https://auth.example/');
    await page.fill('#tp-id', 'check-mfa-42');
    await page.fill('#tp-key', caveatKey);
    await page.click('#third-party button[type="submit"]');
    expect((await verdict(page)).reason).toBe('discharge-missing');

    await page.selectOption('#discharge-for', '2');
    await page.fill('#discharge-key', caveatKey);
    await page.fill('#discharge-caveats', 'time < 2098-01-01T00:00:00Z');
    await page.click('#discharge button[type="submit"]');
    expect((await verdict(page)).verdict).toBe('authorized');

    await page.selectOption('#convert-format', 'bakery');
    await page.click('#convert button[type="submit"]');
    const bundle = await page.inputValue('#convert-output');
    await page.click('#convert-use');
    expect(await page.textContent('#detected-format')).toMatch(/^bakery form/);
    expect((await verdict(page)).verdict).toBe('authorized');

    const [root, ...discharges] = Macaroon.deserializeBundle(bundle);
    expect(root?.location).toBe('https://api.example/');
    expect(new TextDecoder().decode(root?.identifier)).toBe('built-in-the-browser');
    expect(discharges).toHaveLength(1);
    const v = new Verifier().satisfyExact('account = 42').satisfyGeneral((p) => timeBefore(p));
    expect(() => v.verify(root as Macaroon, Buffer.from(rootKey, 'hex'), discharges)).not.toThrow();
    // The wrong caveat key, through the UI, is a discharge the root cannot open.
    const other = new Verifier().satisfyExact('account = 42').satisfyGeneral((p) => timeBefore(p));
    expect(other.verifyUnsafe(root as Macaroon, 'another key', discharges)).toBe(false);
  });

  it('keeps its state in the URL fragment, without the key unless asked', async () => {
    await page.fill('#token', README_TOKEN);
    await setVerify(page, { key: README_KEY, exact: README_EXACT, now: '2019-06-01T00:00:00Z' });
    await page.waitForFunction(
      (t) => location.hash.includes(encodeURIComponent(t).slice(0, 40)),
      README_TOKEN,
    );
    const hash = await page.evaluate(() => location.hash);
    expect(new URLSearchParams(hash.slice(1)).get('token')).toBe(README_TOKEN);
    expect(hash).not.toContain('rootkey');
    expect(decodeURIComponent(hash)).not.toContain('super secret');

    const restored = await open(`${plain.url}${hash}`);
    expect(await restored.inputValue('#token')).toBe(README_TOKEN);
    expect(await restored.inputValue('#root-key')).toBe('');
    expect(await restored.textContent('#verdict')).toMatch(/enter the root key/);

    await page.check('#include-keys');
    await page.waitForFunction(() => location.hash.includes('rootkey='));
    const withKey = await page.evaluate(() => location.hash);
    const again = await open(`${plain.url}${withKey}`);
    expect(await again.inputValue('#root-key')).toBe(README_KEY);
    expect((await verdict(again)).verdict).toBe('authorized');
    await page.uncheck('#include-keys');
    await restored.close();
    await again.close();
  });

  it('labels every control, shows a root-key warning, and keeps text contrast at 4.5:1 or more', async () => {
    const unlabeled = await page.$$eval('input, textarea, select, button', (els) =>
      els
        .filter((el) => {
          const control = el as HTMLInputElement;
          const labels = control.labels ? control.labels.length : 0;
          const name =
            labels > 0 ||
            el.getAttribute('aria-label') ||
            (el.tagName === 'BUTTON' && el.textContent?.trim());
          return !name;
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabeled).toEqual([]);
    expect(await page.textContent('#key-warning')).toMatch(/A root key is a secret/);
    expect(await page.getAttribute('#root-key', 'aria-describedby')).toBe('key-warning');

    await page.fill('#token', README_TOKEN);
    await setVerify(page, { key: README_KEY, exact: README_EXACT });
    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (b as number);
      };
      const background = (el: Element | null): string => {
        for (let e = el; e; e = e.parentElement) {
          const bg = getComputedStyle(e).backgroundColor;
          if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
        }
        return 'rgb(255, 255, 255)';
      };
      const out: Record<string, number> = {};
      for (const sel of [
        'h1',
        '.help',
        '.warning',
        '.tag',
        '.verdict',
        '.step .formula',
        '.mark.bad',
        '.mark.good',
        'label',
        'button',
      ]) {
        const el = document.querySelector(sel);
        if (!el) continue;
        const a = lum(getComputedStyle(el).color);
        const b = lum(background(el));
        out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      }
      return out;
    });
    expect(Object.keys(ratios).length).toBeGreaterThanOrEqual(8);
    for (const [sel, ratio] of Object.entries(ratios)) expect(ratio, sel).toBeGreaterThanOrEqual(4.5);
  });

  it('works from the keyboard: Tab reaches the token, and Enter in a build field runs the step', async () => {
    await page.reload(); // a fresh document: Tab starts from the top
    await page.waitForSelector('html[data-engine-ready]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    await page.keyboard.type('not a token');
    expect(await page.textContent('#decoded')).toMatch(/ERR_DECODE/);
    await page.fill('#root-key', 'k');
    await page.check('input[name="key-encoding"][value="text"]');
    await page.focus('#mint-id');
    await page.keyboard.press('Enter');
    expect(await page.textContent('#detected-format')).toBe('V2 binary, URL-safe base64');
  });

  it('takes screenshots at desktop and phone sizes that are not blank, and fits a phone without sideways scrolling', async () => {
    await page.fill('#token', README_TOKEN);
    await setVerify(page, { key: README_KEY, exact: README_EXACT });
    const sizes = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
    const inspector = await context.newPage();
    for (const [name, size] of Object.entries(sizes)) {
      await page.setViewportSize(size);
      const path = join(shots, `${name}.png`);
      const png = await page.screenshot({ path, fullPage: true });
      writeFileSync(path, png);
      const stats = await inspector.evaluate(
        async (dataUrl) => {
          const img = new Image();
          img.src = dataUrl;
          await img.decode();
          const canvas = document.createElement('canvas');
          canvas.width = img.width;
          canvas.height = img.height;
          const g = canvas.getContext('2d') as CanvasRenderingContext2D;
          g.drawImage(img, 0, 0);
          const { data } = g.getImageData(0, 0, img.width, img.height);
          const colors = new Set<number>();
          let inked = 0;
          for (let i = 0; i < data.length; i += 4) {
            const [r, gr, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
            colors.add((r << 16) | (gr << 8) | b);
            if (r + gr + b < 600) inked++;
          }
          return {
            width: img.width,
            height: img.height,
            colors: colors.size,
            inked: inked / (data.length / 4),
          };
        },
        `data:image/png;base64,${png.toString('base64')}`,
      );
      expect(stats.width, name).toBe(size.width);
      expect(stats.height, name).toBeGreaterThan(size.height);
      expect(stats.colors, name).toBeGreaterThan(50);
      expect(stats.inked, name).toBeGreaterThan(0.01);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, name).toBeLessThanOrEqual(0);
    }
    await inspector.close();
    await page.setViewportSize(sizes.desktop);
  });

  it("works under a Content-Security-Policy without 'wasm-unsafe-eval', on the TS engine, and says so", async () => {
    const p = await open(strictCsp.url);
    expect(await p.getAttribute('#engine', 'data-engine')).toBe('js');
    await p.waitForFunction(() =>
      /Content-Security-Policy/.test(document.getElementById('engine')?.textContent ?? ''),
    );
    expect(await p.textContent('#engine')).toMatch(/TypeScript .*Content-Security-Policy/);
    await p.fill('#token', README_TOKEN);
    await setVerify(p, { key: README_KEY, exact: README_EXACT, now: '2019-06-01T00:00:00Z' });
    const v = await verdict(p);
    expect(v.verdict).toBe('authorized');
    expect(v.text).toMatch(/TypeScript engine/);
    await p.fill('#now', '');
    expect((await verdict(p)).reason).toBe('caveat-not-satisfied');
    await p.close();
  });

  it('makes no request but its own three files', () => {
    const origins = new Set([new URL(plain.url).origin, new URL(strictCsp.url).origin]);
    const foreign = requests.filter((r) => !r.startsWith('data:') && !origins.has(new URL(r).origin));
    expect(foreign).toEqual([]);
    const files = new Set(requests.filter((r) => !r.startsWith('data:')).map((r) => new URL(r).pathname));
    expect([...files].sort()).toEqual(['/', '/app.js', '/style.css']);
    expect(pageErrors).toEqual([]);
  });
});
