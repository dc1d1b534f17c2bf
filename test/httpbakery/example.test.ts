/**
 * `npm run example:auth` (examples/auth/run.js, on the built package): the printed flow ends in 200 and
 * exit 0; with --serve (PORT=0, DISCHARGER_PORT=0) both servers come up and our client walks the flow.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { BakeryClient } from '../../src/client/index.js';

const SCRIPT = join(import.meta.dirname, '..', '..', 'examples', 'auth', 'run.js');

describe('npm run example:auth', () => {
  it('prints 401, discharge, retry, 200 and exits 0', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [SCRIPT], { timeout: 60_000 }, (error, stdout) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/← 401 macaroon discharge required/);
    expect(stdout).toMatch(/POST discharger \/discharge\n {3}← 200 a discharge with "declared user alice"/);
    expect(stdout).toMatch(/with the Macaroons header\n {3}← 200/);
    expect(stdout).toMatch(/done: the API answered 200/);
  });

  let child: ChildProcess | undefined;
  afterAll(() => child?.kill());
  it('--serve keeps both running; DEMO_APPROVE=all approves any condition', async () => {
    child = spawn(process.execPath, [SCRIPT, '--serve'], {
      env: { ...process.env, PORT: '0', DISCHARGER_PORT: '0', DEMO_APPROVE: 'all' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const api = await new Promise<string>((resolve) =>
      lines.on('line', (l) => l.startsWith('API:') && resolve(l.split(/\s+/)[1] as string)),
    );
    const r = await new BakeryClient({ allowInsecure: true, timeoutMs: 20_000 }).fetch(api);
    expect(r.status).toBe(200);
    expect((await r.json()).account).toBe('42');
  });
});
