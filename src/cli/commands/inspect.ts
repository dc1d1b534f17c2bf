import { bakeryNotes } from '../bakery.js';
import { type Args, type Command, type Context, EXIT_OK, UsageError } from '../command.js';
import { inspectFly, looksLikeFly } from '../fly.js';
import { jsonView } from '../json-view.js';
import {
  type DecodedBundle,
  type DecodedToken,
  decodeTokenOrBundle,
  describeBundle,
  describeFormat,
  isBundle,
  type TokenInput,
  TokenSource,
} from '../token.js';

const help = `Usage: macaroon inspect [TOKEN|-]... [--json]

Shows a macaroon as libmacaroons' inspect does: one "key value" line per field, the signature in hex,
verification ids (vid) in URL-safe base64, and any field that is not printable UTF-8 as "base64:" and its
URL-safe base64. A first line starting with "#" names the format the token was given in (V1 or V2, binary
or JSON, and the base64 alphabet); further "#" lines decode macaroon-bakery ids: an Oven identifier (its
operations), and each public-key third-party caveat (bakery version, the third party's key prefix, the
key that added it, and for version 3 the caveat data of bakery's JSON form). A bundle (a root and its discharges, in any bundle form) is shown one
macaroon after another; so are several TOKEN arguments, and several lines of standard input that are each
a token. Fly.io tokens (fm2_…, fm1r_…, fm1a_…) and FlyV1 headers are shown with their typed caveats.

  TOKEN        a macaroon or bundle in any format; "-" or nothing reads standard input
  --json       a JSON document per token instead: {format, description, macaroons: [...]}, with
               non-UTF-8 fields as "…64" (URL-safe base64) and the signature in hex
  -h, --help   this help
`;

interface Shown {
  readonly bundle: boolean;
  readonly format: string;
  readonly description: string;
  readonly macaroons: readonly DecodedToken[];
}

function shown(d: DecodedToken | DecodedBundle): Shown {
  if (isBundle(d)) {
    return {
      bundle: true,
      format: `bundle-${d.kind}`,
      description: `${describeBundle(d)}, ${d.macaroons.length} macaroon${d.macaroons.length === 1 ? '' : 's'}`,
      macaroons: d.macaroons,
    };
  }
  return {
    bundle: false,
    format: d.format,
    description: describeFormat(d.format, d.encoding),
    macaroons: [d],
  };
}

/** Notes on bakery ids (Oven id, public-key caveats), one `#` line each, before the fields. */
function notes(d: DecodedToken): string {
  const lines = bakeryNotes(d.macaroon, (id) => d.bakery?.caveatPayload(id));
  if (d.bakery)
    lines.unshift(
      `# bakery version ${d.bakery.version}, namespace "${d.bakery.namespace}", ${d.bakery.caveatData.size} caveat data`,
    );
  return lines.map((l) => `${l}\n`).join('');
}

function asText(s: Shown): string {
  if (!s.bundle) {
    const d = s.macaroons[0] as DecodedToken;
    return `# ${s.format}: ${s.description}\n${notes(d)}${d.macaroon.inspect()}`;
  }
  const parts = s.macaroons.map((d, i) => {
    const role = i === 0 ? 'root' : 'discharge';
    return `# ${i + 1} of ${s.macaroons.length} (${role}): ${d.format}\n${notes(d)}${d.macaroon.inspect()}`;
  });
  return `# ${s.format}: ${s.description}\n${parts.join('\n')}`;
}

function asJson(s: Shown): string {
  const macaroons = s.macaroons.map((d) => ({ format: d.format, ...jsonView(d.macaroon) }));
  return `${JSON.stringify({ format: s.format, description: s.description, macaroons }, null, 2)}\n`;
}

/** Several lines of stdin, each a token, are shown in turn; otherwise the input is one token. */
function splitLines(input: TokenInput, what: string): { input: TokenInput; what: string }[] {
  if (typeof input !== 'string' || input.startsWith('{') || input.startsWith('[')) return [{ input, what }];
  const lines = input
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length < 2) return [{ input, what }];
  try {
    for (const line of lines) decodeTokenOrBundle(line, what);
  } catch {
    return [{ input, what }]; // e.g. one V1 token with line breaks in its base64
  }
  return lines.map((line, i) => ({ input: line, what: `${what} line ${i + 1}` }));
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'show a token (or bundle) field by field, as libmacaroons does; --json for JSON',
  help,
  options: { json: { type: 'boolean' } },
  async run(args: Args, ctx: Context): Promise<number> {
    const source = new TokenSource(ctx);
    if (args.positionals.length === 0 && ctx.stdinIsTerminal)
      throw new UsageError('missing TOKEN (or - for stdin)');
    const tokens = args.positionals.length === 0 ? ['-'] : args.positionals;
    const items: { input: TokenInput; what: string }[] = [];
    for (const [i, arg] of tokens.entries()) {
      const what = arg === '-' ? 'standard input' : tokens.length > 1 ? `TOKEN ${i + 1}` : 'TOKEN';
      const input = await source.read(arg);
      if (input.length === 0) throw new UsageError(`${what} is empty`);
      items.push(...(arg === '-' ? splitLines(input, what) : [{ input, what }]));
    }
    const render = args.values.json === true ? asJson : asText;
    const out = items.map(({ input, what }) =>
      typeof input === 'string' && looksLikeFly(input)
        ? inspectFly(input, args.values.json === true)
        : render(shown(decodeTokenOrBundle(input, what))),
    );
    ctx.stdout(out.join('\n'));
    return EXIT_OK;
  },
};
