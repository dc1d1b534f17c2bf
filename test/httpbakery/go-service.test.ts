/**
 * Our client against a Go httpbakery service and a Go httpbakery discharger (test/peers/go-httpbakery,
 * built from Debian's go-macaroon-bakery): 401 discharge-required from the Go Oven, the discharge from
 * the Go discharger, the retry with our `Macaroons` header, and a 200. Skipped loudly without the peer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGoBakeryProgram } from '../../scripts/vectors/bakery-peers.js';
import { BakeryClient } from '../../src/client/index.js';
import { loadEngines } from '../engines.js';

const built = buildGoBakeryProgram(join(import.meta.dirname, '..', 'peers', 'go-httpbakery', 'main.go'));
beforeAll(loadEngines);

describe('our client → Go httpbakery service and discharger', () => {
  if (!built.binary) {
    console.warn(`\n!!! SKIPPED: Go httpbakery interop: ${built.missing}\n`);
    if (process.env.CI === 'true') it('the peer must be installed in CI', () => expect.fail(built.missing));
    else it.skip(`Go httpbakery is not installed: ${built.missing}`, () => {});
    return;
  }
  let child: ChildProcess;
  let urls: { service: string; discharger: string };
  beforeAll(async () => {
    child = spawn(built.binary as string, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the Go peer exited with ${code}`)));
    });
    urls = JSON.parse(line);
  });
  afterAll(() => {
    child.stdin?.end();
    child.kill();
  });

  it('gets a 200 after discharging at the Go discharger', async () => {
    const client = new BakeryClient({ allowInsecure: true, timeoutMs: 20_000 });
    const plain = await fetch(`${urls.service}/accounts/42`, { headers: { 'Bakery-Protocol-Version': '3' } });
    expect(plain.status).toBe(401);
    expect((await plain.json()).Code).toBe('macaroon discharge required');
    const r = await client.fetch(`${urls.service}/accounts/42`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ path: '/accounts/42' });
    const info = await client.thirdPartyInfo(urls.discharger);
    expect(info.version).toBe(3);
  });
});
