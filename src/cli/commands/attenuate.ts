import {
  type Args,
  type Command,
  type Context,
  EXIT_OK,
  expectPositionals,
  listOption,
  stringOption,
  UsageError,
} from '../command.js';
import { attenuateFly, looksLikeFly } from '../fly.js';
import { decodeToken, encodeToken, parseFormat, TokenSource } from '../token.js';

const help = `Usage: macaroon attenuate TOKEN --caveat P... [--format F]

Adds first-party caveats to a macaroon and prints the result. No key is needed: anyone holding a
macaroon can restrict it further, and nobody can remove a caveat.

  TOKEN            the macaroon, in any format; "-" reads standard input
  --caveat P       a predicate to add (at least one); repeat for several, in order
  --format F       v1, v2, v1j or v2j; default: the format TOKEN was given in

For a Fly.io token (fm2_…), each --caveat is a caveat in superfly's JSON form, or an array of them:
  --caveat '{"type":"Apps","body":{"apps":{"123":"r"}}}'
  -h, --help       this help
`;

export const attenuate: Command = {
  name: 'attenuate',
  summary: 'add first-party caveats to a token (no key needed)',
  help,
  options: { caveat: { type: 'string', multiple: true }, format: { type: 'string' } },
  async run(args: Args, ctx: Context): Promise<number> {
    expectPositionals(args, 1, 1, 'TOKEN');
    const caveats = listOption(args.values, 'caveat');
    if (caveats.length === 0) throw new UsageError('give at least one --caveat');
    const input = await new TokenSource(ctx).read(args.positionals[0] as string);
    if (typeof input === 'string' && looksLikeFly(input)) {
      ctx.stdout(attenuateFly(input, caveats));
      return EXIT_OK;
    }
    const format = parseFormat(stringOption(args.values, 'format'));
    const token = decodeToken(input, 'TOKEN');
    let m = token.macaroon;
    for (const p of caveats) m = m.addFirstPartyCaveat(p);
    ctx.stdout(`${encodeToken(m, format ?? token.format)}\n`);
    return EXIT_OK;
  },
};
