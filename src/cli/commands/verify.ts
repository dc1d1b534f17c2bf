import { type EngineChoice, NotAuthorizedError, ready, Verifier } from '../../index.js';
import {
  type Args,
  type Command,
  type Context,
  EXIT_NOT_AUTHORIZED,
  EXIT_OK,
  expectPositionals,
  listOption,
  stringOption,
  UsageError,
} from '../command.js';
import { keyHelp, keyOptions, readKey } from '../keys.js';
import { timeBeforeNow } from '../time.js';
import { decodeToken, decodeTokenOrBundle, isBundle, TokenSource } from '../token.js';

const help = `Usage: macaroon verify TOKEN KEY [--discharge D]... [--exact P]... [--time-before-now]

Verifies a macaroon with its root key KEY and the discharges its third-party caveats need. Prints
"authorized" and exits 0; otherwise prints the reason on stderr and exits 1 (not authorized) or 2 (bad
usage or malformed input). Every first-party caveat must be satisfied by --exact or --time-before-now.

  TOKEN                 the root macaroon, or a bundle of the root and its bound discharges; "-" reads
                        standard input
  --discharge D         a bound discharge (see "macaroon bind"); repeat for each
  --exact P             satisfies the first-party caveat equal to P, byte for byte; repeatable
  --time-before-now     satisfies "time < T" caveats (T in ISO 8601, e.g. 2030-01-01T00:00:00Z; no zone
                        means UTC) while T is in the future
  --allow-unused-discharges
                        accept discharges no caveat needs (as pymacaroons and libmacaroons do)
  --engine E            js (default: quickest to start for one token), wasm or auto
  -h, --help            this help

${keyHelp('key')}

Reasons (stable, as NotAuthorizedError.reason): signature-mismatch, caveat-not-satisfied,
discharge-missing, discharge-reused, discharge-unused, decryption-failed, depth-exceeded.
`;

const ENGINES: readonly EngineChoice[] = ['js', 'wasm', 'auto'];

function parseEngine(value: string | undefined): EngineChoice {
  if (value === undefined) return 'js';
  if ((ENGINES as readonly string[]).includes(value)) return value as EngineChoice;
  throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}`);
}

export const verify: Command = {
  name: 'verify',
  summary: 'verify a token with its root key and discharges (exit 0 authorized, 1 not, 2 bad input)',
  help,
  options: {
    discharge: { type: 'string', multiple: true },
    exact: { type: 'string', multiple: true },
    'time-before-now': { type: 'boolean' },
    'allow-unused-discharges': { type: 'boolean' },
    engine: { type: 'string' },
    ...keyOptions('key'),
  },
  async run(args: Args, ctx: Context): Promise<number> {
    expectPositionals(args, 1, 1, 'TOKEN');
    const engine = parseEngine(stringOption(args.values, 'engine'));
    const key = await readKey(args.values, 'key', ctx);
    const source = new TokenSource(ctx);
    const token = decodeTokenOrBundle(await source.read(args.positionals[0] as string), 'TOKEN');
    const [root, ...bundled] = isBundle(token) ? token.macaroons.map((d) => d.macaroon) : [token.macaroon];
    const discharges = [...bundled];
    for (const [i, arg] of listOption(args.values, 'discharge').entries()) {
      discharges.push(decodeToken(await source.read(arg), `--discharge ${i + 1}`).macaroon);
    }
    if (engine !== 'js') await ready();
    const verifier = new Verifier({
      engine,
      allowUnusedDischarges: args.values['allow-unused-discharges'] === true,
    });
    for (const p of listOption(args.values, 'exact')) verifier.satisfyExact(p);
    if (args.values['time-before-now'] === true) verifier.satisfyGeneral(timeBeforeNow);
    try {
      verifier.verify(root as NonNullable<typeof root>, key, discharges);
    } catch (e) {
      if (!(e instanceof NotAuthorizedError)) throw e;
      ctx.stderr(`macaroon verify: not authorized (${e.reason}): ${e.message}\n`);
      return EXIT_NOT_AUTHORIZED;
    }
    ctx.stdout('authorized\n');
    return EXIT_OK;
  },
};
