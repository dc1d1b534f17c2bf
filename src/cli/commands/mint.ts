import { Macaroon } from '../../index.js';
import {
  type Args,
  type Command,
  type Context,
  EXIT_OK,
  expectPositionals,
  listOption,
  type OptionSpec,
  requireOption,
  stringOption,
} from '../command.js';
import { type KeyKind, keyHelp, keyOptions, readKey } from '../keys.js';
import { encodeToken, parseFormat } from '../token.js';

const help = `Usage: macaroon mint --location L --id ID KEY [--caveat P]... [--format v1|v2|v1j|v2j]

Mints a macaroon with root key KEY and prints it.

  --location L     where the macaroon is used (a hint; not signed)
  --id ID          the identifier, by which the service finds KEY again
  --caveat P       a first-party caveat (predicate); repeat for several, in order
  --format F       v2 (default; V2 binary, URL-safe base64), v1 (V1 binary, as libmacaroons 0.3),
                   v1j or v2j (JSON)
  -h, --help       this help

${keyHelp('key')}
`;

export const mint: Command = {
  name: 'mint',
  summary: 'mint a new macaroon with a root key',
  help,
  options: mintOptions('key'),
  run: (args, ctx) => mintToken(args, ctx, 'key'),
};

export function mintOptions(keyKind: KeyKind): Record<string, OptionSpec> {
  return {
    location: { type: 'string' },
    id: { type: 'string' },
    caveat: { type: 'string', multiple: true },
    format: { type: 'string' },
    ...keyOptions(keyKind),
  };
}

/** mint and discharge: a discharge is minted like any macaroon, with the caveat key as its root key. */
export async function mintToken(args: Args, ctx: Context, keyKind: KeyKind): Promise<number> {
  expectPositionals(args, 0, 0, 'no arguments');
  const location = requireOption(args.values, 'location');
  const id = requireOption(args.values, 'id');
  const format = parseFormat(stringOption(args.values, 'format')) ?? 'v2';
  const key = await readKey(args.values, keyKind, ctx);
  let m = Macaroon.create(location, key, id, { version: format === 'v1' || format === 'v1j' ? 1 : 2 });
  for (const p of listOption(args.values, 'caveat')) m = m.addFirstPartyCaveat(p);
  ctx.stdout(`${encodeToken(m, format)}\n`);
  return EXIT_OK;
}
