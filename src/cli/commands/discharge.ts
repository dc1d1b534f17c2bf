import { discharge as bakeryDischarge, CaveatDecodeError, decodeCaveat } from '../../bakery/index.js';
import { BakeryClient, DischargeError, InteractionRequiredError } from '../../client/index.js';
import type { Macaroon } from '../../index.js';
import { readBakeryToken, readKeyPairFile, writeBakeryToken } from '../bakery.js';
import {
  type Args,
  type Command,
  type Context,
  EXIT_NOT_AUTHORIZED,
  EXIT_OK,
  expectPositionals,
  InputError,
  listOption,
  stringOption,
  UsageError,
} from '../command.js';
import { keyHelp } from '../keys.js';
import { encodeToken, parseFormat, TokenSource } from '../token.js';
import { mintOptions, mintToken } from './mint.js';

const help = `Usage: macaroon discharge --location L CAVEAT-KEY --id ID [--caveat P]... [--format F]
       macaroon discharge TOKEN --key-pair-file FILE [--location L] [--condition C] [--caveat P]...
                               [--format F]
       macaroon discharge TOKEN --from-network [--allow-insecure] [--timeout MS] [--format F]

Mints a discharge macaroon, as the third party does for a third-party caveat it recognises. Bind it to
the root with "macaroon bind" before sending it.

With a shared secret: its root key is CAVEAT-KEY and its identifier the caveat's identifier ID.

With a bakery key pair (FILE, from "macaroon keypair"): every third-party caveat of TOKEN encrypted to
that key pair (at location L, if given) is decrypted and discharged, one discharge per line. TOKEN must
be bakery's JSON form when its caveats are bakery version 3 (their encrypted part is kept beside the
macaroon). The condition of each caveat is printed to standard error; with --condition C, a caveat whose
condition is not exactly C is refused (exit 1).

From the network (httpbakery): every third-party caveat of TOKEN, and of the discharges, recursively,
is discharged by POST <location>/discharge at the dischargers named in it; the discharges are printed
one per line, already bound to TOKEN (ready to send with it).

  TOKEN            the macaroon holding the caveats (any format, or bakery's JSON); "-" reads stdin
  --location L     the third party's location (a hint; not signed)
  --id ID          the identifier of the third-party caveat being discharged (shared-secret caveats)
  --key-pair-file  the third party's bakery key pair (JSON)
  --condition C    discharge only a caveat whose condition is exactly C
  --caveat P       a first-party caveat on the discharge (e.g. "time < 2030-01-01T00:00:00Z", or bakery's
                   "declared user alice"); repeatable
  --from-network   ask the live dischargers (https only, unless --allow-insecure)
  --timeout MS     give up after this long (default 30000)
  --format F       v2 (default), v1, v1j or v2j
  -h, --help       this help

${keyHelp('caveat-key')}
`;

async function dischargeWithKeyPair(args: Args, ctx: Context, keyFile: string): Promise<number> {
  expectPositionals(args, 1, 1, 'TOKEN');
  const key = await readKeyPairFile(keyFile, '--key-pair-file');
  const m = readBakeryToken(await new TokenSource(ctx).read(args.positionals[0] as string), 'TOKEN');
  const location = stringOption(args.values, 'location');
  const wanted = stringOption(args.values, 'condition');
  const caveats = listOption(args.values, 'caveat').map((condition) => ({ condition }));
  const format = parseFormat(stringOption(args.values, 'format'));
  let found = 0;
  for (const c of m.macaroon.thirdPartyCaveats()) {
    if (location !== undefined && c.location !== location) continue;
    const payload = m.caveatPayload(c.identifier);
    let condition: string;
    try {
      condition = decodeCaveat(key, payload ?? c.identifier).condition;
    } catch (e) {
      if (
        e instanceof CaveatDecodeError &&
        (e.reason === 'public-key-mismatch' || e.reason === 'unsupported-version')
      ) {
        continue; // addressed to another third party, or not a bakery caveat
      }
      throw new InputError(`cannot decode the caveat at ${c.location}: ${(e as Error).message}`);
    }
    found++;
    ctx.stderr(`discharging ${JSON.stringify(condition)} (at ${c.location})\n`);
    if (wanted !== undefined && condition !== wanted) {
      ctx.stderr(`macaroon discharge: refused: the condition is not ${JSON.stringify(wanted)}\n`);
      return EXIT_NOT_AUTHORIZED;
    }
    const d = await bakeryDischarge({ id: c.identifier, caveat: payload, key, checker: () => caveats });
    const f = format ?? (d.macaroon.version === 1 ? 'v1' : 'v2');
    ctx.stdout(`${writeBakeryToken(d, (mac) => encodeToken(mac, f))}\n`);
  }
  if (found === 0) throw new InputError('no third-party caveat of TOKEN is encrypted to this key pair');
  return EXIT_OK;
}

async function dischargeFromNetwork(args: Args, ctx: Context): Promise<number> {
  expectPositionals(args, 1, 1, 'TOKEN');
  const m = readBakeryToken(await new TokenSource(ctx).read(args.positionals[0] as string), 'TOKEN');
  const timeoutText = stringOption(args.values, 'timeout') ?? '30000';
  if (!/^\d+$/.test(timeoutText)) throw new UsageError('--timeout must be milliseconds');
  const format = parseFormat(stringOption(args.values, 'format'));
  const client = new BakeryClient({ allowInsecure: args.values['allow-insecure'] === true });
  let slice: Macaroon[];
  try {
    slice = await client.dischargeAll(m, AbortSignal.timeout(Number(timeoutText)));
  } catch (e) {
    if (e instanceof DischargeError || e instanceof InteractionRequiredError) {
      ctx.stderr(`macaroon discharge: ${e.message}\n`);
      return EXIT_NOT_AUTHORIZED;
    }
    throw new InputError(`cannot get the discharges: ${(e as Error).message}`);
  }
  for (const d of slice.slice(1))
    ctx.stdout(`${encodeToken(d, format ?? (d.version === 1 ? 'v1' : 'v2'))}\n`);
  return EXIT_OK;
}

export const discharge: Command = {
  name: 'discharge',
  summary: 'mint a discharge macaroon (shared secret, or a bakery key pair)',
  help,
  options: {
    ...mintOptions('caveat-key'),
    'key-pair-file': { type: 'string' },
    condition: { type: 'string' },
    'from-network': { type: 'boolean' },
    'allow-insecure': { type: 'boolean' },
    timeout: { type: 'string' },
  },
  run: (args, ctx) => {
    if (args.values['from-network'] === true) return dischargeFromNetwork(args, ctx);
    const keyFile = stringOption(args.values, 'key-pair-file');
    if (keyFile !== undefined) return dischargeWithKeyPair(args, ctx, keyFile);
    if (args.values.condition !== undefined) throw new UsageError('--condition needs --key-pair-file');
    return mintToken(args, ctx, 'caveat-key');
  },
};
