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
  UsageError,
} from '../command.js';
import { type KeyKind, keyHelp, keyOptions, readKey } from '../keys.js';
import { STORE_HELP, STORE_OPTIONS, withStore } from '../store.js';
import { encodeToken, parseFormat } from '../token.js';

const help = `Usage: macaroon mint --location L --id ID KEY [--caveat P]... [--format v1|v2|v1j|v2j]
       macaroon mint --location L --store URL [--caveat P]... [--format v1|v2|v1j|v2j]

Mints a macaroon with root key KEY and prints it; with --store, with the store's current root key
(rotated by the store's policy) under a fresh identifier that names that key.

  --location L     where the macaroon is used (a hint; not signed)
  --id ID          the identifier, by which the service finds KEY again
  --caveat P       a first-party caveat (predicate); repeat for several, in order
  --format F       v2 (default; V2 binary, URL-safe base64), v1 (V1 binary, as libmacaroons 0.3),
                   v1j or v2j (JSON)
${STORE_HELP}
  -h, --help       this help

${keyHelp('key')}
`;

export const mint: Command = {
  name: 'mint',
  summary: 'mint a new macaroon with a root key',
  help,
  options: { ...mintOptions('key'), ...STORE_OPTIONS },
  run: (args, ctx) =>
    args.values.store === undefined ? mintToken(args, ctx, 'key') : mintFromStore(args, ctx),
};

async function mintFromStore(args: Args, ctx: Context): Promise<number> {
  expectPositionals(args, 0, 0, 'no arguments');
  const location = requireOption(args.values, 'location');
  if (args.values.id !== undefined) throw new UsageError('--store chooses the identifier: drop --id');
  for (const name of Object.keys(keyOptions('key'))) {
    if (args.values[name] !== undefined) throw new UsageError(`--store chooses the key: drop --${name}`);
  }
  const format = parseFormat(stringOption(args.values, 'format')) ?? 'v2';
  const { identifier, key } = await withStore(args.values, (store) => store.newIdentifier());
  let m = Macaroon.create(location, key, identifier, {
    version: format === 'v1' || format === 'v1j' ? 1 : 2,
  });
  for (const p of listOption(args.values, 'caveat')) m = m.addFirstPartyCaveat(p);
  ctx.stdout(`${encodeToken(m, format)}\n`);
  return EXIT_OK;
}

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
