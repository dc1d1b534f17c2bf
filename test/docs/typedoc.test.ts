/**
 * `npm run docs` validates the API reference (scripts/docs.js: notExported, invalidLink and
 * notDocumented, every warning an error): run here without writing the pages (`--emit none`).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('npm run docs', () => {
  it('TypeDoc documents every entry point with no validation warning', { timeout: 300_000 }, async () => {
    const r = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'scripts', 'docs.js'), '--emit', 'none'],
      {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? 1,
        out: `${e.stdout ?? ''}${e.stderr ?? ''}`,
      }),
    );
    // Each warning names the declaration and its file.
    expect(
      r.out.split('\n').filter((l) => /warning|error/i.test(l) && !/Found 0 errors and 0 warnings/.test(l)),
    ).toEqual([]);
    expect(r.code).toBe(0);
  });
});
