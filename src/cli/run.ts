/**
 * Dispatch: finds the command, parses its options, runs it, and turns every failure into one line on
 * stderr and an exit code. No stack trace reaches the user; no message contains a key (library messages
 * never do, and ours never repeat option values).
 */
import { MacaroonError } from '../index.js';
import {
  type Command,
  type Context,
  EXIT_BAD_INPUT,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
} from './command.js';
import { COMMANDS } from './commands/index.js';
import { didYouMean } from './did-you-mean.js';
import { mainHelp } from './help.js';

/** An unexpected failure is a bug here, not bad input: EX_SOFTWARE from sysexits.h. */
const EXIT_INTERNAL = 70;

function find(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function unknownCommand(name: string): string {
  const guess = didYouMean(name, [...COMMANDS.map((c) => c.name), 'help']);
  const hint = guess ? ` Did you mean "macaroon ${guess}"?` : '';
  return `macaroon: unknown command ${JSON.stringify(name)} (see: macaroon help).${hint}\n`;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

export async function runCli(argv: readonly string[], ctx: Context, version: string): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      // Without a command the help is the error message, so it goes where errors go.
      if (name === undefined) ctx.stderr(mainHelp(COMMANDS));
      else ctx.stdout(mainHelp(COMMANDS));
      return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    }
    const command = find(topic);
    if (!command) {
      ctx.stderr(unknownCommand(topic));
      return EXIT_BAD_INPUT;
    }
    ctx.stdout(command.help);
    return EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    ctx.stdout(`${version}\n`);
    return EXIT_OK;
  }
  const command = find(name);
  if (!command) {
    ctx.stderr(unknownCommand(name));
    return EXIT_BAD_INPUT;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help === true) {
      ctx.stdout(command.help);
      return EXIT_OK;
    }
    return await command.run(args, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.stderr(`macaroon ${name}: ${oneLine(e.message)} (see: macaroon ${name} --help)\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof MacaroonError) {
      ctx.stderr(`macaroon ${name}: ${oneLine(e.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    const message = e instanceof Error ? e.message : String(e);
    ctx.stderr(`macaroon ${name}: internal error: ${oneLine(message)}\n`);
    return EXIT_INTERNAL;
  }
}
