import type { Command } from './command.js';

export function mainHelp(commands: readonly Command[]): string {
  const entries = [
    ...commands.map((c) => [c.name, c.summary]),
    ['help', "this help; help COMMAND (or COMMAND --help) for a command's"],
  ];
  const width = Math.max(...entries.map(([name]) => (name as string).length)) + 2;
  const list = entries.map(([name, summary]) => `  ${(name as string).padEnd(width)}${summary}`).join('\n');
  return `Usage: macaroon <command> [options]

Macaroons (libmacaroons-compatible bearer tokens) from the command line: every format (V1, V2, binary
and JSON) is read, detected and named.

Commands:
${list}

A token "-" is read from standard input. Keys (KEY, CAVEAT-KEY) are given with --key-file PATH (bytes),
--key-env NAME (UTF-8 text), --key-env-hex NAME (hex, as GATEWAY_ROOT_KEY), --key-hex HEX or --key TEXT
(and --caveat-key-… likewise); the last two put the key in the process list, so keep them for tests.
Keys under 16 bytes get a warning. No output or message ever contains a key.

Exit status: 0 success (verify: authorized), 1 not authorized (verify), 2 bad usage or malformed input.
Run "macaroon <command> --help" for a command's options.
`;
}
