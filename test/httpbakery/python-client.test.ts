/**
 * Python macaroonbakery's httpbakery.Client against this library's service and discharger over loopback:
 * the 401 discharge-required, the discharge at our discharger (id/id64 and caveat64 as Python sends
 * them), the retry with its `macaroon-auth` cookie, and a 200. Skipped loudly without the peer (CI has it).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngines } from '../engines.js';
import { type Flow, startFlow } from './servers.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'peers', 'httpbakery_client.py');

function pythonClient(urls: string[]): Promise<{ status?: number; body?: string; error?: string }[]> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...urls], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else
        resolve(
          stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l)),
        );
    });
  });
}

async function available(): Promise<string | undefined> {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  return new Promise((resolve) =>
    execFile(PYTHON, ['-c', 'import macaroonbakery.httpbakery'], (e) =>
      resolve(e ? 'python3-macaroonbakery is not installed' : undefined),
    ),
  );
}

const missing = await available();
beforeAll(loadEngines);

describe('Python httpbakery.Client → our service and our discharger', () => {
  if (missing) {
    console.warn(`\n!!! SKIPPED: Python httpbakery interop: ${missing}\n`);
    if (process.env.CI === 'true') it('the peer must be installed in CI', () => expect.fail(missing));
    else it.skip(`Python httpbakery is not installed: ${missing}`, () => {});
    return;
  }
  let flow: Flow;
  beforeAll(async () => {
    flow = await startFlow();
  });
  afterAll(() => flow.close());

  it('gets a 200 after discharging, and reuses its cookie for the next request', async () => {
    const before = flow.minted.length;
    const results = await pythonClient([`${flow.api.url}/accounts/42`, `${flow.api.url}/accounts/43`]);
    expect(results[0]).toEqual({ status: 200, body: JSON.stringify({ account: '42', discharges: 1 }) });
    expect(results[1]).toEqual({ status: 200, body: JSON.stringify({ account: '43', discharges: 1 }) });
    expect(flow.minted.slice(before)).toEqual([3]); // minted once, at the version Python asked for
  });
});
