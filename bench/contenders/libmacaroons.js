// libmacaroons 0.3 through a small C harness, compiled here with cc at bench time. It runs as a child
// process (the only contender that does): it gets the same V1 tokens in a file, checks every verdict
// once, then times each pass of the verification loop and prints tokens/s from the median pass.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOURCE = new URL('./libmacaroons-harness.c', import.meta.url).pathname;
const HEADER = '/usr/include/macaroons.h';

function compile() {
  if (!existsSync(HEADER)) return { unavailable: `libmacaroons is not installed (${HEADER} not found)` };
  const dir = mkdtempSync(join(tmpdir(), 'macaroon-bench-'));
  const binary = join(dir, 'libmacaroons-harness');
  const cc = spawnSync('cc', ['-O2', '-o', binary, SOURCE, '-lmacaroons'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    return {
      unavailable: `cannot compile the libmacaroons harness: ${cc.error?.message ?? cc.stderr.trim()}`,
    };
  }
  return { binary, dir };
}

function record(kind, r) {
  return [kind, r.expected ? 1 : 0, r.rootKey, r.v1.token, ...r.v1.discharges].join(' ');
}

export function libmacaroonsContender() {
  const built = compile();
  let file = 0;
  return {
    id: 'libmacaroons',
    label: 'libmacaroons 0.3 (C, V1)',
    format: 'v1',
    external: true,
    unavailable: built.unavailable,
    /**
     * Runs the harness on `requests` (timed) and `controls` (checked only). Returns
     * { tokensPerSecond (median pass), meanTokensPerSecond (whole loop), wrong } or { error }.
     */
    run(workload, requests, seconds, clock = 'wall') {
      const path = join(built.dir, `workload-${file++}.txt`);
      const lines = [
        ...workload.checks.exact.map((p) => `E ${p}`),
        ...requests.map((r) => record('R', r)),
        ...workload.controls.map((r) => record('C', r)),
      ];
      writeFileSync(path, `${lines.join('\n')}\n`);
      const run = spawnSync(built.binary, [path, String(seconds), clock], { encoding: 'utf8' });
      if (run.error || run.status !== 0) {
        return { error: `harness failed: ${run.error?.message ?? run.stderr.trim()}` };
      }
      const result = JSON.parse(run.stdout);
      return {
        tokensPerSecond: result.tokensPerSecond,
        meanTokensPerSecond: result.meanTokensPerSecond,
        wrong: result.wrong,
        stderr: run.stderr.trim(),
      };
    },
  };
}
