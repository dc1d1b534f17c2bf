import { utf8DecodeStrict } from '../../bytes.js';
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
import { STORE_HELP, STORE_OPTIONS, withStore } from '../store.js';
import { decodeTokenOrBundle, isBundle, TokenSource } from '../token.js';

const help = `Usage: macaroon revoke TOKEN --store URL
       macaroon revoke --key-id ID --store URL

Revokes a macaroon (by its identifier: every macaroon attenuated from it too) or every macaroon of a
root key, on every gateway sharing the store; each hears it at once. The revocation is kept until the
token's root key expires (after that the token cannot verify anyway).

  TOKEN            the macaroon, or a bundle whose first macaroon is the root; "-" reads standard input
  --key-id ID      revoke every macaroon of root key ID instead
${STORE_HELP}
  -h, --help       this help
`;

export const revoke: Command = {
  name: 'revoke',
  summary: 'revoke a token, or every token of a root key, in a shared store',
  help,
  options: { 'key-id': { type: 'string' }, ...STORE_OPTIONS },
  async run(args: Args, ctx: Context): Promise<number> {
    requireOption(args.values, 'store');
    const keyId = stringOption(args.values, 'key-id');
    let target: { identifier: Uint8Array } | { keyId: string };
    if (keyId !== undefined) {
      expectPositionals(args, 0, 0, 'no TOKEN with --key-id');
      target = { keyId };
    } else {
      expectPositionals(args, 1, 1, 'TOKEN (or --key-id)');
      const token = decodeTokenOrBundle(
        await new TokenSource(ctx).read(args.positionals[0] as string),
        'TOKEN',
      );
      const root = isBundle(token) ? token.macaroons[0]?.macaroon : token.macaroon;
      if (!root) throw new UsageError('TOKEN holds no macaroon');
      target = { identifier: root.identifier };
    }
    const r = await withStore(args.values, (store) => store.revoke(target));
    const what = r.kind === 'key' ? `root key ${r.value}` : `macaroon ${describeIdentifier(target)}`;
    ctx.stdout(`revoked ${what} until ${new Date(r.expires).toISOString()}\n`);
    return EXIT_OK;
  },
};

function describeIdentifier(target: { identifier: Uint8Array } | { keyId: string }): string {
  if (!('identifier' in target)) return target.keyId;
  const text = utf8DecodeStrict(target.identifier);
  return text !== undefined && /^[\x20-\x7e]{1,80}$/.test(text)
    ? JSON.stringify(text)
    : '(binary identifier)';
}
