// The `macaroon` bin, run as a child process exactly as a user runs it: node on the file package.json's
// `bin` names, built from src/ first when dist/ is missing or older than the sources.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Macaroon, ready, Verifier } from '../src/index.js';
import { BIN, ensureBin } from './cli/bin.js';

beforeAll(ensureBin);

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function macaroon(args: string[], options: { input?: string | Uint8Array; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Every failure is one line on stderr, starting with the program's name, with no stack trace. */
function expectOneLineError(r: Result, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^macaroon( [a-z-]+)?: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const ROOT_KEY = 'root key: 32 bytes of entropy ok!';
const CAVEAT_KEY = 'caveat key shared with auth.example';
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const FUTURE = 'time < 2999-01-01T00:00';

// libmacaroons 0.3 (Debian libmacaroons0, via ctypes): the README's seed macaroon with its three caveats and a
// third-party caveat, serialized by macaroon_serialize and shown by macaroon_inspect (which ends without a
// newline; ours ends every line).
const LIBMACAROONS_TOKEN =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDIwY2lkIHRpbWUgPCAyMDIwLTAxLTAxVDAwOjAwCjAwMjJjaWQgZW1haWwgPSBhbGljZUBleGFtcGxlLm9yZwowMDMwY2lkIHRoaXMgd2FzIGhvdyB3ZSByZW1pbmQgYXV0aCBvZiBrZXkvcHJlZAowMDUxdmlkILkz67g_SYuOcf9SFHMD8oqqvzgEqWZu5KCy7b6Affw3k16Yua5vWXIhtHNf95ytSdFGkzOw89jR07V52pUWhQPX9XJ96-KvcQowMDFiY2wgaHR0cDovL2F1dGgubXliYW5rLwowMDJmc2lnbmF0dXJlIPL44i5sZIFzAxijMXQ40nXxyhWOCOn0o9szSoXLZPdRCg';
const LIBMACAROONS_INSPECT =
  'location http://mybank/\nidentifier we used our secret key\ncid account = 3735928559\ncid time < 2020-01-01T00:00\ncid email = alice@example.org\ncid this was how we remind auth of key/pred\nvid uTPruD9Ji45x_1IUcwPyiqq_OASpZm7koLLtvoB9_DeTXpi5rm9ZciG0c1_3nK1J0UaTM7Dz2NHTtXnalRaFA9f1cn3r4q9x\ncl http://auth.mybank/\nsignature f2f8e22e6c6481730318a3317438d275f1ca158e08e9f4a3db334a85cb64f751';

describe('help', () => {
  const commands = ['inspect', 'mint', 'attenuate', 'third-party', 'discharge', 'bind', 'verify', 'bench'];

  it('lists every command, and each has its own help', async () => {
    const [bare, main, ...each] = await Promise.all([
      macaroon([]),
      macaroon(['help']),
      ...commands.map((c, i) => macaroon(i % 2 === 0 ? [c, '--help'] : ['help', c])),
    ]);
    expect(main?.code).toBe(0);
    expect(bare).toMatchObject({ code: 2, stdout: '', stderr: main?.stdout });
    for (const c of commands) expect(main?.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    each.forEach((r, i) => {
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith(`Usage: macaroon ${commands[i]}`)).toBe(true);
    });
  });
});

describe('round trip: mint, attenuate, third-party, discharge, bind, verify', () => {
  let root = '';
  let discharge = '';
  let bound = '';
  const dir = mkdtempSync(join(tmpdir(), 'macaroon-cli-'));
  const caveatKeyFile = join(dir, 'caveat.key');
  writeFileSync(caveatKeyFile, CAVEAT_KEY);
  const env = { ROOT_KEY };

  beforeAll(async () => {
    const minted = await macaroon(
      ['mint', '--location', 'https://api.example/', '--id', 'user-42', '--key-env', 'ROOT_KEY'],
      { env },
    );
    expect(minted.code).toBe(0);
    const attenuated = await macaroon([
      'attenuate',
      minted.stdout.trim(),
      '--caveat',
      'account = 42',
      '--caveat',
      'action = read',
    ]);
    expect(attenuated.code).toBe(0);
    const withThirdParty = await macaroon(
      [
        'third-party',
        '-',
        '--location',
        'https://auth.example/',
        '--caveat-key-file',
        caveatKeyFile,
        '--id',
        'check-mfa-42',
      ],
      { input: attenuated.stdout },
    );
    expect(withThirdParty.code).toBe(0);
    root = withThirdParty.stdout.trim();
    const discharged = await macaroon([
      'discharge',
      '--location',
      'https://auth.example/',
      '--caveat-key',
      CAVEAT_KEY,
      '--id',
      'check-mfa-42',
      '--caveat',
      FUTURE,
    ]);
    expect(discharged.code).toBe(0);
    discharge = discharged.stdout.trim();
    const bind = await macaroon(['bind', root, discharge]);
    expect(bind.code).toBe(0);
    bound = bind.stdout.trim();
  });

  it('builds the token the library would: caveats in order, discharge bound to the root', () => {
    const m = Macaroon.deserialize(root);
    expect(m.caveats.map((c) => new TextDecoder().decode(c.identifier))).toEqual([
      'account = 42',
      'action = read',
      'check-mfa-42',
    ]);
    const expectedBound = m.prepareForRequest(Macaroon.deserialize(discharge));
    expect(Macaroon.deserialize(bound).equals(expectedBound)).toBe(true);
    const v = new Verifier().satisfyExact('account = 42').satisfyExact('action = read').satisfyExact(FUTURE);
    expect(v.verifyUnsafe(m, ROOT_KEY, [expectedBound])).toBe(true);
  });

  const exact = ['--exact', 'account = 42', '--exact', 'action = read'];

  it('verify: authorized (exit 0), with the key in hex, through both engines', async () => {
    const base = [
      'verify',
      root,
      '--key-hex',
      hex(ROOT_KEY),
      '--discharge',
      bound,
      ...exact,
      '--time-before-now',
    ];
    const [js, wasm] = await Promise.all([macaroon(base), macaroon([...base, '--engine', 'auto'])]);
    for (const r of [js, wasm]) {
      expect(r).toMatchObject({ code: 0, stdout: 'authorized\n', stderr: '' });
    }
  });

  it('verify: a bundle of root and bound discharge, from stdin', async () => {
    const bundle = await macaroon(['bind', root, discharge, '--bundle', 'json']);
    expect(bundle.code).toBe(0);
    const r = await macaroon(['verify', '-', '--key-env', 'ROOT_KEY', ...exact, '--time-before-now'], {
      input: bundle.stdout,
      env,
    });
    expect(r).toMatchObject({ code: 0, stdout: 'authorized\n' });
  });

  it('verify: not authorized (exit 1) with the reason on stderr', async () => {
    const key = ['--key-env', 'ROOT_KEY'];
    const cases: [string[], RegExp][] = [
      [
        ['--key', 'not the root key', '--discharge', bound, ...exact, '--time-before-now'],
        /decryption-failed/,
      ],
      [[...key, ...exact, '--time-before-now'], /\(discharge-missing\): .*"check-mfa-42"/],
      [
        [...key, '--discharge', bound, '--exact', 'account = 42', '--time-before-now'],
        /caveat-not-satisfied.*"action = read"/,
      ],
      [[...key, '--discharge', bound, ...exact], /caveat-not-satisfied.*"time < 2999/],
      [[...key, '--discharge', discharge, ...exact, '--time-before-now'], /signature-mismatch/],
    ];
    const results = await Promise.all(cases.map(([args]) => macaroon(['verify', root, ...args], { env })));
    results.forEach((r, i) => {
      expectOneLineError(r, 1, /^macaroon verify: not authorized \(/);
      expect(r.stderr).toMatch((cases[i] as [string[], RegExp])[1]);
      expect(r.stderr).not.toContain(ROOT_KEY);
    });
  });

  it('verify --time-before-now refuses a time in the past', async () => {
    const expired = (
      await macaroon(['attenuate', root, '--caveat', 'time < 2001-01-01T00:00:00Z'])
    ).stdout.trim();
    // A new caveat changes the root's signature, so the discharge must be bound again.
    const rebound = (await macaroon(['bind', expired, discharge])).stdout.trim();
    const r = await macaroon(
      ['verify', expired, '--key-env', 'ROOT_KEY', '--discharge', rebound, ...exact, '--time-before-now'],
      { env },
    );
    expectOneLineError(r, 1, /caveat-not-satisfied.*time < 2001/);
  });
});

describe('bad usage and malformed input: exit 2, one clear line, never a key', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['mint', '--id', 'x', '--key', 'k'], /--location is required/],
    [['mint', '--location', 'l', '--id', 'x'], /a key is required/],
    [['mint', '--location', 'l', '--id', 'x', '--key', 'k', '--key-hex', 'aa'], /give a key once/],
    [['mint', '--location', 'l', '--id', 'x', '--key-hex', 'secret-not-hex'], /--key-hex is not .*hex/],
    [
      ['mint', '--location', 'l', '--id', 'x', '--key-env', 'NO_SUCH_VARIABLE_HERE'],
      /NO_SUCH_VARIABLE_HERE is not set/,
    ],
    [
      ['mint', '--location', 'l', '--id', 'x', '--key-file', '/nonexistent/key'],
      /cannot read --key-file .*ENOENT/,
    ],
    [['mint', '--location', 'l', '--id', 'x', '--key', 'k', '--format', 'v3'], /--format must be one of/],
    [['mint', '--location', 'l', '--id', 'x', '--key', 'k', '--colour'], /Unknown option '--colour'/],
    [['attenuate', 'AgEB'], /give at least one --caveat/],
    [['verify', '--key', 'secret-key-value'], /missing TOKEN/],
    [['verify', 'not a token!', '--key', 'secret-key-value'], /cannot read TOKEN: /],
    [['verify', 'AgEUaHR0cHM6Ly9hcGkuZXhhbXBsZS8C', '--key', 'secret-key-value'], /cannot read TOKEN: /],
    [['inspect', '{"v":2,"l":"x"'], /cannot read TOKEN: /],
    [['bind', 'AgEB'], /missing ROOT and at least one DISCHARGE/],
    [['verify', LIBMACAROONS_TOKEN, '--key', 'k', '--engine', 'fast'], /--engine must be one of/],
    [['bench', '--time', '0'], /--time must be an integer/],
  ])('%j', async (args, pattern) => {
    const r = await macaroon(args);
    expectOneLineError(r, 2, pattern);
    expect(r.stderr).not.toContain('secret');
  });

  it('refuses to write a binary identifier as V1', async () => {
    const m = Macaroon.create('l', ROOT_KEY, new Uint8Array([0xff, 0xfe, 0x00]));
    const r = await macaroon(['attenuate', m.serialize('v2'), '--caveat', 'a = b', '--format', 'v1']);
    expectOneLineError(r, 2, /cannot write v1: /);
  });
});

describe('inspect', () => {
  const seed = Macaroon.deserialize(LIBMACAROONS_TOKEN);

  it("prints libmacaroons' inspect text for libmacaroons' own token, after a line naming the format", async () => {
    const r = await macaroon(['inspect', LIBMACAROONS_TOKEN]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`# v1: V1 binary, URL-safe base64\n${LIBMACAROONS_INSPECT}\n`);
  });

  it('reads every format and names it; the fields are the same in each', async () => {
    const v1Standard = Buffer.from(seed.toBytes('v1')).toString('base64');
    const inputs: [string, string][] = [
      [seed.serialize('v1'), '# v1: V1 binary, URL-safe base64'],
      [v1Standard, '# v1: V1 binary, standard base64'],
      [seed.serialize('v2'), '# v2: V2 binary, URL-safe base64'],
      [seed.serialize('v1j'), '# v1j: V1 JSON'],
      [seed.serialize('v2j'), '# v2j: V2 JSON'],
    ];
    const r = await macaroon(['inspect', ...inputs.map(([token]) => token)]);
    expect(r.code).toBe(0);
    const expected = inputs.map(([, header]) => `${header}\n${LIBMACAROONS_INSPECT}\n`).join('\n');
    expect(r.stdout).toBe(expected);
  });

  it('reads from stdin: raw binary, several tokens one per line, one token in wrapped base64', async () => {
    const wrapped = Buffer.from(seed.toBytes('v1')).toString('base64').replace(/.{76}/g, '$&\n');
    const [raw, lines, oneWrapped] = await Promise.all([
      macaroon(['inspect', '-'], { input: seed.toBytes('v2') }),
      macaroon(['inspect'], { input: `${seed.serialize('v2')}\n${seed.serialize('v1')}\n` }),
      macaroon(['inspect', '-'], { input: `${wrapped}\n` }),
    ]);
    expect(oneWrapped.stdout).toBe(`# v1: V1 binary, standard base64\n${LIBMACAROONS_INSPECT}\n`);
    expect(raw.stdout).toBe(`# v2: V2 binary, raw bytes\n${LIBMACAROONS_INSPECT}\n`);
    expect(lines.stdout).toBe(
      `# v2: V2 binary, URL-safe base64\n${LIBMACAROONS_INSPECT}\n\n# v1: V1 binary, URL-safe base64\n${LIBMACAROONS_INSPECT}\n`,
    );
  });

  it('shows a bundle one macaroon after another, naming its form', async () => {
    const d = Macaroon.create('http://auth.mybank/', 'k', 'this was how we remind auth of key/pred');
    const bundle = [seed, seed.prepareForRequest(d)];
    const r = await macaroon([
      'inspect',
      Macaroon.serializeBundle(bundle, 'bakery'),
      Macaroon.serializeBundle(bundle, 'binary'),
    ]);
    expect(r.code).toBe(0);
    const shown = (header: string) =>
      `# ${header}, 2 macaroons\n# 1 of 2 (root): ${header.includes('binary') ? 'v1' : 'v1j'}\n${seed.inspect()}\n` +
      `# 2 of 2 (discharge): ${header.includes('binary') ? 'v2' : 'v2j'}\n${bundle[1]?.inspect()}`;
    expect(r.stdout).toBe(
      `${shown('bundle-bakery: bakery bundle (base64 of a JSON array)')}\n` +
        `${shown("bundle-binary: binary bundle (go-macaroon's Slice), URL-safe base64")}`,
    );
  });

  it('cannot be made to show forged lines by a field holding a newline, locations included', async () => {
    const forged = '\nsignature 0000';
    const m = Macaroon.create(`l${forged}`, ROOT_KEY, `id${forged}`)
      .addFirstPartyCaveat(`p${forged}`)
      .addThirdPartyCaveat(`cl${forged}`, CAVEAT_KEY, `cid${forged}`);
    const r = await macaroon(['inspect', m.serialize('v2j')]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      '#',
      'location',
      'identifier',
      'cid',
      'cid',
      'vid',
      'cl',
      'signature',
    ]);
    for (const line of lines.slice(1, 7))
      if (!line.startsWith('vid')) expect(line).toMatch(/^[a-z]+ base64:[\w-]+$/);
  });

  it('--json: every field, binary ones as …64, the signature in hex', async () => {
    const m = Macaroon.create('loc', ROOT_KEY, new Uint8Array([0xff, 0x00, 0x41]))
      .addFirstPartyCaveat('account = 42')
      .addThirdPartyCaveat('https://auth.example/', CAVEAT_KEY, 'cid-1');
    const [json, text] = await Promise.all([
      macaroon(['inspect', '--json', m.serialize('v2j')]),
      macaroon(['inspect', m.serialize('v2j')]),
    ]);
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout);
    expect(view).toEqual({
      format: 'v2j',
      description: 'V2 JSON',
      macaroons: [
        {
          format: 'v2j',
          version: 2,
          location: 'loc',
          identifier64: '_wBB',
          caveats: [
            { type: 'first-party', predicate: 'account = 42' },
            {
              type: 'third-party',
              identifier: 'cid-1',
              location: 'https://auth.example/',
              vid64: Buffer.from(m.caveats[1]?.verificationId as Uint8Array).toString('base64url'),
            },
          ],
          signature: Buffer.from(m.signature).toString('hex'),
        },
      ],
    });
    expect(text.stdout.split('\n')[2]).toBe('identifier base64:_wBB');
  });
});

describe('mint --format', () => {
  it('writes each format, read back as the same macaroon', async () => {
    const formats = ['v1', 'v2', 'v1j', 'v2j'] as const;
    const results = await Promise.all(
      formats.map((f) =>
        macaroon([
          'mint',
          '--location',
          'l',
          '--id',
          'id',
          '--key',
          ROOT_KEY,
          '--caveat',
          'a = 1',
          '--format',
          f,
        ]),
      ),
    );
    const expected = Macaroon.create('l', ROOT_KEY, 'id').addFirstPartyCaveat('a = 1');
    results.forEach((r, i) => {
      const token = r.stdout.trim();
      expect(token).toBe(expected.serialize(formats[i]));
    });
  });
});

describe('bench', () => {
  it('prints W1, W2 and W3 for every engine available', async () => {
    const loaded = (await ready()).engine;
    const r = await macaroon(['bench', '--time', '20', '--batch', '4']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const engines = loaded === 'js' ? ['js'] : ['js', loaded];
    for (const w of ['W1', 'W2', 'W3']) {
      for (const e of engines)
        expect(r.stdout).toMatch(new RegExp(`^${w} +${e} +[\\d,]+ +[\\d.]+ +[\\d,]+ +[\\d.]+×$`, 'm'));
    }
  });
});
