import { KeyPair, ThirdPartyStore } from '../../bakery/index.js';
import {
  parseBakeryVersion,
  readBakeryToken,
  readKeyPairFile,
  readPublicKey,
  writeBakeryToken,
} from '../bakery.js';
import {
  type Args,
  type Command,
  type Context,
  EXIT_OK,
  expectPositionals,
  requireOption,
  stringOption,
  UsageError,
} from '../command.js';
import { keyHelp, keyOptions, readKey } from '../keys.js';
import { decodeToken, encodeToken, parseFormat, TokenSource } from '../token.js';

const help = `Usage: macaroon third-party TOKEN --location L CAVEAT-KEY --id ID [--format F]
       macaroon third-party TOKEN --location L --public-key K --condition C [--bakery-version N]
                                  [--key-pair-file FILE] [--format F]

Adds a third-party caveat: the request then needs a discharge macaroon from the third party at L.

With a shared secret: the third party shares CAVEAT-KEY with you and recognises ID (e.g. it encodes what
to check, or a key to look it up).

With the third party's public key (macaroon-bakery): the condition C and a fresh caveat key are encrypted
to K, so the third party needs nothing shared beforehand. Bakery version 3 (the default for V2 tokens)
keeps the encrypted caveat beside the macaroon, so the output is then bakery's JSON form
({"m": …, "v": 3, "cdata": …}); versions 1 and 2 put it in the caveat id and print a plain token.

  TOKEN              the macaroon, in any format, or bakery's JSON form; "-" reads standard input
  --location L       the third party's location (a hint; not signed)
  --id ID            the caveat identifier the third party will recognise (shared-secret caveats)
  --public-key K     the third party's public key, base64 (public-key caveats)
  --condition C      what the third party must check, e.g. "is-user alice" (public-key caveats)
  --bakery-version N 1, 2 or 3 (default: 3 for V2 tokens, 1 for V1): the caveat format
  --key-pair-file F  your own bakery key pair (JSON) to encrypt with; default: a fresh one
  --format F         v1, v2, v1j or v2j; default: the format TOKEN was given in
  -h, --help         this help

${keyHelp('caveat-key')}
`;

async function publicKeyCaveat(args: Args, ctx: Context, location: string): Promise<number> {
  if (args.values.id !== undefined)
    throw new UsageError('--id is for shared-secret caveats, not with --public-key');
  const publicKey = readPublicKey(requireOption(args.values, 'public-key'));
  const condition = requireOption(args.values, 'condition');
  const versionText = stringOption(args.values, 'bakery-version');
  const input = await new TokenSource(ctx).read(args.positionals[0] as string);
  const requested = versionText === undefined ? undefined : parseBakeryVersion(versionText, 3);
  const m = readBakeryToken(input, 'TOKEN', requested);
  const keyFile = stringOption(args.values, 'key-pair-file');
  const key = keyFile ? await readKeyPairFile(keyFile, '--key-pair-file') : KeyPair.generate();
  const locator = new ThirdPartyStore().add(location, { publicKey, version: requested ?? m.version });
  const out = await m.addCaveat({ location, condition }, { key, locator });
  const format =
    parseFormat(stringOption(args.values, 'format')) ?? (out.macaroon.version === 1 ? 'v1' : 'v2');
  ctx.stdout(`${writeBakeryToken(out, (mac) => encodeToken(mac, format))}\n`);
  return EXIT_OK;
}

export const thirdParty: Command = {
  name: 'third-party',
  summary: 'add a third-party caveat (shared secret, or a bakery public key)',
  help,
  options: {
    location: { type: 'string' },
    id: { type: 'string' },
    format: { type: 'string' },
    'public-key': { type: 'string' },
    condition: { type: 'string' },
    'bakery-version': { type: 'string' },
    'key-pair-file': { type: 'string' },
    ...keyOptions('caveat-key'),
  },
  async run(args: Args, ctx: Context): Promise<number> {
    expectPositionals(args, 1, 1, 'TOKEN');
    const location = requireOption(args.values, 'location');
    if (args.values['public-key'] !== undefined) return publicKeyCaveat(args, ctx, location);
    for (const o of ['condition', 'bakery-version', 'key-pair-file']) {
      if (args.values[o] !== undefined) throw new UsageError(`--${o} needs --public-key`);
    }
    const id = requireOption(args.values, 'id');
    const format = parseFormat(stringOption(args.values, 'format'));
    const key = await readKey(args.values, 'caveat-key', ctx);
    const token = decodeToken(await new TokenSource(ctx).read(args.positionals[0] as string), 'TOKEN');
    const m = token.macaroon.addThirdPartyCaveat(location, key, id);
    ctx.stdout(`${encodeToken(m, format ?? token.format)}\n`);
    return EXIT_OK;
  },
};
