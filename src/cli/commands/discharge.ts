import type { Command } from '../command.js';
import { keyHelp } from '../keys.js';
import { mintOptions, mintToken } from './mint.js';

const help = `Usage: macaroon discharge --location L CAVEAT-KEY --id ID [--caveat P]... [--format F]

Mints a discharge macaroon, as the third party does for a third-party caveat it recognises: its root key
is the caveat key and its identifier the caveat's identifier. Bind it to the root with "macaroon bind"
before sending it.

  --location L     the third party's location (a hint; not signed)
  --id ID          the identifier of the third-party caveat being discharged
  --caveat P       a first-party caveat on the discharge (e.g. "time < 2030-01-01T00:00:00Z"); repeatable
  --format F       v2 (default), v1, v1j or v2j
  -h, --help       this help

${keyHelp('caveat-key')}
`;

export const discharge: Command = {
  name: 'discharge',
  summary: 'mint a discharge macaroon for a third-party caveat',
  help,
  options: mintOptions('caveat-key'),
  run: (args, ctx) => mintToken(args, ctx, 'caveat-key'),
};
