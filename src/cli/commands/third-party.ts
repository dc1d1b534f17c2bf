import {
  type Args,
  type Command,
  type Context,
  EXIT_OK,
  expectPositionals,
  requireOption,
  stringOption,
} from '../command.js';
import { keyHelp, keyOptions, readKey } from '../keys.js';
import { decodeToken, encodeToken, parseFormat, TokenSource } from '../token.js';

const help = `Usage: macaroon third-party TOKEN --location L CAVEAT-KEY --id ID [--format F]

Adds a third-party caveat: the request then needs a discharge macaroon from the third party at L, which
shares CAVEAT-KEY with you and recognises ID (e.g. it encodes what to check, or a key to look it up).

  TOKEN            the macaroon, in any format; "-" reads standard input
  --location L     the third party's location (a hint; not signed)
  --id ID          the caveat identifier the third party will recognise
  --format F       v1, v2, v1j or v2j; default: the format TOKEN was given in
  -h, --help       this help

${keyHelp('caveat-key')}
`;

export const thirdParty: Command = {
  name: 'third-party',
  summary: 'add a third-party caveat to a token',
  help,
  options: {
    location: { type: 'string' },
    id: { type: 'string' },
    format: { type: 'string' },
    ...keyOptions('caveat-key'),
  },
  async run(args: Args, ctx: Context): Promise<number> {
    expectPositionals(args, 1, 1, 'TOKEN');
    const location = requireOption(args.values, 'location');
    const id = requireOption(args.values, 'id');
    const format = parseFormat(stringOption(args.values, 'format'));
    const key = await readKey(args.values, 'caveat-key', ctx);
    const token = decodeToken(await new TokenSource(ctx).read(args.positionals[0] as string), 'TOKEN');
    const m = token.macaroon.addThirdPartyCaveat(location, key, id);
    ctx.stdout(`${encodeToken(m, format ?? token.format)}\n`);
    return EXIT_OK;
  },
};
