/** The CLI's view of Fly.io-format tokens (`fm2_…`, `FlyV1 a,b` headers): inspect and attenuate. */
import { bytesToHex } from '../bytes.js';
import { base64StdEncode } from '../codec/base64.js';
import { type FlyMacaroon, looksLikeFly, parseFlyHeader } from '../fly/index.js';
import { UsageError } from './command.js';

export { looksLikeFly };

function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return `base64:${base64StdEncode(v)}`;
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), x]));
      return v;
    }),
  );
}

function view(m: FlyMacaroon) {
  const n = m.nonce;
  return {
    location: m.location,
    kid: n.kid === null ? null : bytesToHex(n.kid),
    nonce: { version: n.version, proof: n.proof, rnd: n.rnd === null ? null : bytesToHex(n.rnd) },
    caveats: jsonSafe(m.caveats.map(({ type, body, raw }) => (raw ? { type, body, raw } : { type, body }))),
    expiration: m.expiration?.toISOString() ?? null,
    tail: bytesToHex(m.tail),
  };
}

/** Text (or JSON) for every token of a Fly token or header. */
export function inspectFly(text: string, json: boolean): string {
  const tokens = parseFlyHeader(text.trim());
  if (json) return `${JSON.stringify({ format: 'fly', macaroons: tokens.map(view) }, null, 2)}\n`;
  const parts = tokens.map((m, i) => {
    const v = view(m);
    const lines = [
      `# ${i + 1} of ${tokens.length}: Fly.io macaroon (superfly/macaroon format)${m.isProof ? ', proof' : ''}`,
      `location ${v.location}`,
      `kid ${v.kid ?? '(nil)'}`,
      ...m.caveats.map((c) => `caveat ${c.type} ${JSON.stringify(jsonSafe(c.body)) ?? '(raw)'}`),
      ...(v.expiration ? [`expires ${v.expiration}`] : []),
      `tail ${v.tail}`,
    ];
    return lines.join('\n');
  });
  return `${parts.join('\n')}\n`;
}

/** Adds caveats given as JSON (`{"type":…,"body":…}` or an array of them) to one Fly token. */
export function attenuateFly(text: string, caveats: readonly string[]): string {
  const tokens = parseFlyHeader(text.trim());
  if (tokens.length !== 1)
    throw new UsageError('give one Fly token to attenuate (not a header with several)');
  const list: unknown[] = [];
  for (const c of caveats) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(c);
    } catch {
      throw new UsageError(
        `--caveat for a Fly token must be JSON ({"type": …, "body": …}): ${c.slice(0, 40)}`,
      );
    }
    list.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  }
  return `${(tokens[0] as FlyMacaroon).attenuate(list as never).encode()}\n`;
}
