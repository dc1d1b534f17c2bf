/**
 * The shape every command shares: its help text, its options (node:util parseArgs), and a `run` that
 * returns the exit code. Commands write through a Context so they never touch process globals directly.
 */
import { parseArgs } from 'node:util';
import { MacaroonError } from '../index.js';

/** Exit codes of every command: verify's contract, reused by the others (1 only means "not authorized"). */
export const EXIT_OK = 0;
export const EXIT_NOT_AUTHORIZED = 1;
export const EXIT_BAD_INPUT = 2;

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface Args {
  readonly values: OptionValues;
  readonly positionals: string[];
}

export interface Context {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The whole of standard input; a command may read it once (`-` stands for it). */
  readonly readStdin: () => Promise<Uint8Array>;
  /** True when stdin is a terminal: a command with no TOKEN then says so instead of waiting for input. */
  readonly stdinIsTerminal: boolean;
}

export interface Command {
  readonly name: string;
  /** One line for `macaroon help`. */
  readonly summary: string;
  /** The full text of `macaroon <name> --help`. */
  readonly help: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  run(args: Args, ctx: Context): Promise<number>;
}

/** The command line is wrong (unknown option, missing argument, conflicting options): exit 2. */
export class UsageError extends MacaroonError {
  override readonly code = 'ERR_USAGE';
}

/** An input (token, key, file) could not be read or decoded: exit 2. The message names which input. */
export class InputError extends MacaroonError {
  override readonly code = 'ERR_INPUT';
}

/** parseArgs messages span lines and suggest `--`; the first sentence is the one a person needs. */
function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? message;
  const end = line.indexOf('. ');
  return end === -1 ? line.replace(/\.$/, '') : line.slice(0, end);
}

export function parseCommandArgs(command: Command, argv: readonly string[]): Args {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (e) {
    if (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(firstSentence(e.message));
    }
    throw e;
  }
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requireOption(values: OptionValues, name: string): string {
  const v = stringOption(values, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

export function listOption(values: OptionValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : [];
}

/** Checks the number of positional arguments; the message names them but never repeats their values. */
export function expectPositionals(args: Args, min: number, max: number, names: string): void {
  const n = args.positionals.length;
  if (n < min) throw new UsageError(`missing ${names}`);
  if (n > max) throw new UsageError(`too many arguments (expected ${names}, got ${n} arguments)`);
}
