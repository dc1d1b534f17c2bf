import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDischarger, DischargeRefusedError } from '../../discharger/index.js';
import { fetchListener } from '../../node/fetch-listener.js';
import { readKeyPairFile } from '../bakery.js';
import {
  type Args,
  type Command,
  type Context,
  EXIT_OK,
  expectPositionals,
  listOption,
  requireOption,
  stringOption,
  UsageError,
} from '../command.js';

const help = `Usage: macaroon discharger --key-pair-file FILE [--port N] [--host H]
                           (--approve CONDITION... | --approve-all) [--caveat P]...

Runs a macaroon-bakery discharger (httpbakery's protocol: GET /discharge/info, GET /publickey,
POST /discharge) for the key pair in FILE, until interrupted. It discharges third-party caveats whose
condition is one of the --approve conditions (or any, with --approve-all), adding the --caveat
conditions to each discharge (e.g. "time-before 2030-01-01T00:00:00Z", "declared user alice"); others
are refused with httpbakery's permission-denied error. The first line printed is its URL.

  --key-pair-file F  the discharger's bakery key pair (JSON, from "macaroon keypair")
  --port N           the port (default 0: a free one)
  --host H           the address to listen on (default 127.0.0.1)
  --approve C        a condition to approve; repeatable
  --approve-all      approve every condition (for demonstrations)
  --caveat P         a first-party caveat on every discharge; repeatable
  -h, --help         this help
`;

export const discharger: Command = {
  name: 'discharger',
  summary: 'run a bakery discharger (httpbakery) for a key pair',
  help,
  options: {
    'key-pair-file': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    approve: { type: 'string', multiple: true },
    'approve-all': { type: 'boolean' },
    caveat: { type: 'string', multiple: true },
  },
  async run(args: Args, ctx: Context): Promise<number> {
    expectPositionals(args, 0, 0, 'no arguments');
    const key = await readKeyPairFile(requireOption(args.values, 'key-pair-file'), '--key-pair-file');
    const approve = new Set(listOption(args.values, 'approve'));
    const all = args.values['approve-all'] === true;
    if (approve.size === 0 && !all)
      throw new UsageError('give --approve CONDITION (repeatable) or --approve-all');
    const portText = stringOption(args.values, 'port') ?? '0';
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
      throw new UsageError('--port must be 0 to 65535');
    const host = stringOption(args.values, 'host') ?? '127.0.0.1';
    const caveats = listOption(args.values, 'caveat').map((condition) => ({ condition }));
    const d = createDischarger({
      key,
      check: (condition) => {
        if (!all && !approve.has(condition))
          throw new DischargeRefusedError(`condition not approved: ${condition}`);
        ctx.stderr(`discharged ${JSON.stringify(condition)}\n`);
        return caveats;
      },
    });
    const server = createServer(fetchListener(d.fetch));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) =>
        reject(new UsageError(`cannot listen on ${host}:${portText}: ${e.message}`)),
      );
      server.listen(Number(portText), host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    ctx.stdout(`http://${host.includes(':') ? `[${host}]` : host}:${port}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT_OK;
  },
};
