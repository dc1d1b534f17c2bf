/**
 * `macaroon completion zsh|fish`, loaded in the shells themselves (Debian's zsh and fish, installed by
 * .ci/run): zsh through its completion system (compinit) in an interactive shell driven over a pseudo
 * terminal (zsh/zpty), fish through `complete -C`. Each completes the commands after `macaroon ` and a
 * command's options.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

const COMMANDS = [
  'attenuate',
  'bind',
  'completion',
  'discharge',
  'inspect',
  'mint',
  'third-party',
  'verify',
  'help',
];

async function script(shell: string): Promise<string> {
  let stdout = '';
  const code = await runCli(
    ['completion', shell],
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: () => {},
      env: {},
      readStdin: async () => new Uint8Array(0),
      stdinIsTerminal: true,
    },
    '0.0.0',
  );
  expect(code).toBe(0);
  return stdout;
}

const has = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;
// CI installs both shells (.ci/run); elsewhere a missing shell skips its test, and says so.
const strict = process.env.CI === 'true';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'completion-shells-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What zsh's completion system offers when `line` is typed and Tab pressed, in an interactive zsh. */
function zshComplete(line: string, until: string): string {
  const driver = `
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'PS1=""; fpath=(${dir} $fpath); autoload -Uz compinit; compinit -u -D; LISTMAX=10000'
zpty -w -n z $'${line.replace(/'/g, "\\'")}\\t'
out=
for i in {1..100}; do
  while zpty -r -t z chunk; do out+=$chunk; done
  [[ $out == *${JSON.stringify(until)}* ]] && break
  sleep 0.1
done
zpty -d z
print -r -- "$out"
`;
  const r = spawnSync('zsh', ['-f', '-c', driver], { encoding: 'utf8', timeout: 30_000 });
  // The terminal's escape sequences and carriage returns, out.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
  return r.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n');
}

describe.runIf(has('zsh') || strict)('zsh completion, in zsh', () => {
  it('completes the commands after `macaroon `, with their summaries', async () => {
    writeFileSync(join(dir, '_macaroon'), await script('zsh'));
    const out = zshComplete('macaroon ', 'verify');
    for (const c of COMMANDS) expect(out).toMatch(new RegExp(`^${c} +-- \\S`, 'm'));
  });

  it("completes a command's options", async () => {
    writeFileSync(join(dir, '_macaroon'), await script('zsh'));
    expect(zshComplete('macaroon verify --time', '--time-before-now')).toContain(
      'macaroon verify --time-before-now',
    );
  });
});

describe.runIf(has('fish') || strict)('fish completion, in fish', () => {
  const complete = async (line: string) => {
    const file = join(dir, 'macaroon.fish');
    writeFileSync(file, await script('fish'));
    const r = spawnSync(
      'fish',
      ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  };

  it('completes the commands after `macaroon `, with their summaries', async () => {
    const lines = await complete('macaroon ');
    for (const c of COMMANDS) expect(lines.find((l) => l.startsWith(`${c}\t`))).toBeDefined();
  });

  it("completes a command's options, and only that command's", async () => {
    expect(await complete('macaroon verify --time')).toEqual(['--time-before-now']);
    expect(await complete('macaroon mint --key-env')).toEqual(['--key-env', '--key-env-hex']);
  });
});
