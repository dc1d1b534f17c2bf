/**
 * The W1/W2/W3 workloads of the benchmark suite (bench/workloads.js), minted fresh for `macaroon bench`:
 * gateway-shaped tokens, each with its own random root key so that no cache can help.
 */
import { type BatchItem, Macaroon } from '../index.js';

export interface Workload {
  readonly id: string;
  readonly title: string;
  /** Valid requests: V2 tokens as text, so decoding is part of what is measured, as in a gateway. */
  readonly items: readonly BatchItem[];
  /** What the verifier satisfies exactly; `time < …` caveats go to the general time check. */
  readonly exact: readonly string[];
}

/** A caveat list: a string is a first-party predicate, an array a third-party caveat whose discharge holds those. */
type Shape = readonly (string | readonly string[])[];

const GATEWAY = ['account = 3735928559', 'action = read', 'email = alice@example.org', 'ip = 203.0.113.77'];
const MORE = [
  'scope = repo:read',
  'scope = repo:write',
  'scope = issues:read',
  'org = example-corp',
  'team = platform',
  'region = eu-west-1',
  'tenant = 42',
  'plan = enterprise',
  'device = laptop-7781',
  'mfa = totp',
  'aud = api.example',
  'ver = 3',
  'client = cli/2.14.0',
  'sess = 8c1f22a9',
  'role = maintainer',
];
const USER = 'user = alice';

function shapes(time: string): Record<string, { title: string; shape: Shape }> {
  return {
    W1: {
      title: '5 first-party + 1 third-party, its discharge 1 caveat',
      shape: [...GATEWAY, time, [time]],
    },
    W2: { title: '5 first-party, no discharge', shape: [...GATEWAY, time] },
    W3: {
      title: '20 first-party + 2 third-party, discharges 2 caveats each',
      shape: [
        ...GATEWAY.slice(0, 2),
        ...MORE.slice(0, 8),
        [time, USER],
        ...GATEWAY.slice(2),
        ...MORE.slice(8),
        time,
        [time, USER],
      ],
    },
  };
}

function randomKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

function mintItem(shape: Shape, index: number): BatchItem {
  const rootKey = randomKey();
  let m = Macaroon.create('https://api.example/', rootKey, `token-${index}`);
  const discharges: Macaroon[] = [];
  shape.forEach((caveat, c) => {
    if (typeof caveat === 'string') {
      m = m.addFirstPartyCaveat(caveat);
      return;
    }
    const caveatKey = randomKey();
    const cid = `third-party-${index}-${c}`;
    m = m.addThirdPartyCaveat('https://auth.example/', caveatKey, cid);
    let d = Macaroon.create('https://auth.example/', caveatKey, cid);
    for (const p of caveat) d = d.addFirstPartyCaveat(p);
    discharges.push(d);
  });
  const root = m;
  return {
    macaroon: root.serialize('v2'),
    rootKey,
    discharges: discharges.map((d) => root.prepareForRequest(d).serialize('v2')),
  };
}

/** `count` requests per workload; time caveats a year ahead, so the general check passes. */
export function buildWorkloads(count: number): Workload[] {
  const time = `time < ${new Date(Date.now() + 365 * 86_400_000).toISOString()}`;
  return Object.entries(shapes(time)).map(([id, { title, shape }]) => ({
    id,
    title,
    items: Array.from({ length: count }, (_, i) => mintItem(shape, i)),
    exact: [...new Set(shape.flat().filter((p) => p !== time))],
  }));
}
