import { type BundleFormat, Macaroon } from '../../index.js';
import {
  type Args,
  type Command,
  type Context,
  EXIT_OK,
  expectPositionals,
  stringOption,
  UsageError,
} from '../command.js';
import { decodeToken, encodeToken, parseFormat, TokenSource } from '../token.js';

const help = `Usage: macaroon bind ROOT DISCHARGE... [--format F | --bundle B]

Binds discharge macaroons to the root macaroon they are sent with (libmacaroons' prepare_for_request)
and prints the bound discharges, one per line. A discharge sent unbound is refused by every verifier.

  ROOT             the root macaroon (the one with the third-party caveats); "-" reads standard input
  DISCHARGE        a discharge macaroon, in any format; give every discharge the request needs
  --format F       v1, v2, v1j or v2j; default: the format each DISCHARGE was given in
  --bundle B       print the root and the bound discharges as one bundle instead: binary (go-macaroon's
                   Slice, URL-safe base64), json (a JSON array) or bakery (standard base64 of that array)
  -h, --help       this help
`;

const BUNDLE_FORMATS: readonly BundleFormat[] = ['binary', 'json', 'bakery'];

export const bind: Command = {
  name: 'bind',
  summary: 'bind discharges to their root macaroon for a request',
  help,
  options: { format: { type: 'string' }, bundle: { type: 'string' } },
  async run(args: Args, ctx: Context): Promise<number> {
    expectPositionals(args, 2, Number.POSITIVE_INFINITY, 'ROOT and at least one DISCHARGE');
    const format = parseFormat(stringOption(args.values, 'format'));
    const bundle = stringOption(args.values, 'bundle');
    if (bundle !== undefined && !(BUNDLE_FORMATS as readonly string[]).includes(bundle)) {
      throw new UsageError(`--bundle must be one of ${BUNDLE_FORMATS.join(', ')}`);
    }
    if (bundle !== undefined && format !== undefined)
      throw new UsageError('give --format or --bundle, not both');
    const source = new TokenSource(ctx);
    const [rootArg, ...dischargeArgs] = args.positionals as [string, ...string[]];
    const root = decodeToken(await source.read(rootArg), 'ROOT').macaroon;
    const bound = [];
    for (const [i, arg] of dischargeArgs.entries()) {
      const d = decodeToken(await source.read(arg), `DISCHARGE ${i + 1}`);
      bound.push({ macaroon: root.prepareForRequest(d.macaroon), format: format ?? d.format });
    }
    if (bundle !== undefined) {
      const list = [root, ...bound.map((b) => b.macaroon)];
      ctx.stdout(`${Macaroon.serializeBundle(list, bundle as BundleFormat)}\n`);
    } else {
      ctx.stdout(bound.map((b) => `${encodeToken(b.macaroon, b.format)}\n`).join(''));
    }
    return EXIT_OK;
  },
};
