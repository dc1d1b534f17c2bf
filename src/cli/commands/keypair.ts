import { KeyPair } from '../../bakery/index.js';
import { type Args, type Command, type Context, EXIT_OK, expectPositionals } from '../command.js';

const help = `Usage: macaroon keypair

Prints a new Curve25519 key pair as macaroon-bakery writes it: {"public": "…", "private": "…"}, each
standard base64. A third party publishes the public key; services encrypt third-party caveats to it
("macaroon third-party TOKEN --public-key …") and the third party discharges them with the pair
("macaroon discharge TOKEN --key-pair-file FILE"). The private key is a secret: store the file as one.

  -h, --help   this help
`;

export const keypair: Command = {
  name: 'keypair',
  summary: 'print a new bakery key pair (JSON) for a third party',
  help,
  options: {},
  async run(args: Args, ctx: Context): Promise<number> {
    expectPositionals(args, 0, 0, 'no arguments');
    ctx.stdout(`${JSON.stringify(KeyPair.generate())}\n`);
    return EXIT_OK;
  },
};
