/**
 * The example gateway (examples/gateway/server.js) requires what its README says a token needs:
 * `account = …`, `action = …` and `time < …` caveats. A token without them, valid as a macaroon, is
 * refused with 401 missing-required-caveat instead of working for every account.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Macaroon } from '../../src/index.js';
import { type ExampleGateway, startExampleGateway, stopExampleGateway } from './example-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const KEY = randomBytes(32);
const LATER = new Date(Date.now() + 3600_000).toISOString();

let gateway: ExampleGateway | undefined;

beforeAll(async () => {
  // The example imports the package by name (dist/); `npm test` builds first, a lone run may not have.
  if (!existsSync(join(ROOT, 'dist/gateway/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
  }
  gateway = await startExampleGateway({ GATEWAY_ROOT_KEY: KEY.toString('hex') });
});

afterAll(() => stopExampleGateway(gateway));

async function ask(account: string, token: Macaroon): Promise<{ status: number; www: string | null }> {
  const res = await fetch(`${gateway?.url}/accounts/${account}`, {
    headers: { authorization: `Macaroon ${token.serialize()}` },
  });
  await res.arrayBuffer();
  return { status: res.status, www: res.headers.get('www-authenticate') };
}

function mint(...caveats: string[]): Macaroon {
  let m = Macaroon.create('https://gateway.example/', KEY, 'example');
  for (const c of caveats) m = m.addFirstPartyCaveat(c);
  return m;
}

const refused = { status: 401, www: 'Macaroon reason="missing-required-caveat"' };

describe('the example gateway requires account, action and time caveats', () => {
  it('authorizes a token that has them', async () => {
    const token = mint('account = 42', 'action = read', `time < ${LATER}`);
    expect(await ask('42', token)).toEqual({ status: 200, www: null });
  });

  it('refuses a token without caveats, for every account', async () => {
    for (const account of ['42', '43']) expect(await ask(account, mint())).toEqual(refused);
  });

  it('refuses a token that lacks any one of them', async () => {
    expect(await ask('42', mint('account = 42', 'action = read'))).toEqual(refused);
    expect(await ask('42', mint('account = 42', `time < ${LATER}`))).toEqual(refused);
    expect(await ask('42', mint('action = read', `time < ${LATER}`))).toEqual(refused);
  });
});
