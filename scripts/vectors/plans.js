/**
 * The scenarios every peer mints: one plan each, minted in each wire version the plan lists and written in
 * every format the peer writes, then expanded into positive and negative cases (see cases.js). Keys and
 * identifiers are protocol byte strings: {text} or {hex}.
 */

const text = (s) => ({ text: s });
const hex = (h) => ({ hex: h });
const first = (predicate) => ({ predicate: text(predicate) });
const third = (location, key, id) => ({
  location,
  key: text(key),
  id: typeof id === 'string' ? text(id) : id,
});

/** A predicate of exactly `n` bytes (ASCII), recognisable in a failure message. */
export function predicateOfLength(n) {
  const head = `len${n} = `;
  if (n <= head.length) return 'x'.repeat(n);
  return head + 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(n / 36)).slice(0, n - head.length);
}

/** SHA-256 block edges (55/56, 63/64/65, 119/120, 127/128) and V2 varint edges (127/128), plus long ones. */
export const CAVEAT_LENGTHS = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 200, 300];

const ALL_NEGATIVES = ['valid', 'wrong-key', 'unsatisfied', 'tampered-signature', 'extra-caveat'];

const BANK = {
  location: 'http://mybank/',
  key: text('this is our super secret key; only we should know it'),
  id: text('we used our secret key'),
};
const CAVEAT_KEY = '4; guaranteed random by a fair toss of the dice';
const CAVEAT_ID = 'this was how we remind auth of key/pred';

function lengthPlans() {
  return CAVEAT_LENGTHS.map((n) => ({
    name: `first-party/length-${n}`,
    description: `one first-party caveat of ${n} bytes`,
    versions: [1, 2],
    root: { ...BANK, caveats: [first(predicateOfLength(n))] },
    exact: [text(predicateOfLength(n))],
    variants: n === 64 ? ALL_NEGATIVES : ['valid', 'unsatisfied'],
  }));
}

function bound(root, discharges) {
  return { root, discharges };
}

export const PLANS = [
  {
    name: 'no-caveats',
    description: 'a macaroon without caveats',
    versions: [1, 2],
    root: { ...BANK, caveats: [] },
    variants: ['valid', 'wrong-key', 'tampered-signature', 'extra-caveat'],
  },
  {
    name: 'first-party/walkthrough',
    description: 'the libmacaroons README caveats, one satisfied by a general check',
    versions: [1, 2],
    root: {
      ...BANK,
      caveats: [
        first('account = 3735928559'),
        first('time < 2020-01-01T00:00'),
        first('email = alice@example.org'),
      ],
    },
    exact: [text('account = 3735928559'), text('email = alice@example.org')],
    general: [{ kind: 'prefix', value: 'time < ' }],
    variants: ALL_NEGATIVES,
  },
  ...lengthPlans(),
  {
    name: 'first-party/unicode-and-json-escapes',
    description: 'non-ASCII UTF-8 and characters JSON writers escape differently (<, >, &, quote, backslash)',
    versions: [1, 2],
    root: { ...BANK, caveats: [first('name = Zoë ☃ 𝄞'), first('expr = a<b && c>d "q" \\ /')] },
    exact: [text('name = Zoë ☃ 𝄞'), text('expr = a<b && c>d "q" \\ /')],
    variants: ['valid', 'unsatisfied', 'tampered-signature'],
  },
  {
    name: 'third-party/bound',
    description: 'a first-party and a third-party caveat, with the discharge bound by the peer',
    versions: [1, 2],
    ...bound(
      {
        ...BANK,
        caveats: [first('account = 3735928559'), third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)],
      },
      [
        {
          location: 'http://auth.mybank/',
          key: text(CAVEAT_KEY),
          id: text(CAVEAT_ID),
          caveats: [first('time < 2030-01-01T00:00')],
        },
      ],
    ),
    exact: [text('account = 3735928559')],
    general: [{ kind: 'prefix', value: 'time < ' }],
    variants: [...ALL_NEGATIVES, 'tampered-discharge'],
  },
  {
    name: 'third-party/unbound-discharge',
    description: 'the discharge is sent without being bound to the root',
    versions: [1, 2],
    root: { ...BANK, caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)] },
    discharges: [
      {
        location: 'http://auth.mybank/',
        key: text(CAVEAT_KEY),
        id: text(CAVEAT_ID),
        caveats: [],
        bind: false,
      },
    ],
    variants: ['valid'],
  },
  {
    name: 'third-party/missing-discharge',
    description: 'a third-party caveat and no discharge',
    versions: [1, 2],
    root: { ...BANK, caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)] },
    discharges: [],
    variants: ['valid'],
  },
  {
    name: 'third-party/discharge-for-other-caveat',
    description: 'the only discharge answers a caveat identifier the root does not have',
    versions: [1, 2],
    root: { ...BANK, caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)] },
    discharges: [
      { location: 'http://auth.mybank/', key: text(CAVEAT_KEY), id: text('some other caveat'), caveats: [] },
    ],
    variants: ['valid'],
  },
  {
    name: 'third-party/discharge-wrong-key',
    description: 'the discharge has the right identifier but was minted with another caveat key',
    versions: [1, 2],
    root: { ...BANK, caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)] },
    discharges: [
      { location: 'http://auth.mybank/', key: text('not the caveat key'), id: text(CAVEAT_ID), caveats: [] },
    ],
    variants: ['valid'],
  },
  {
    name: 'third-party/two-discharges',
    description: 'two third-party caveats (the js-macaroon "external" shape), both discharged',
    versions: [1, 2],
    root: {
      location: '',
      key: text('root-key'),
      id: text('root-id'),
      caveats: [
        first('wonderful'),
        third('bob', 'bob-caveat-root-key', 'bob-is-great'),
        third('charlie', 'charlie-caveat-root-key', 'charlie-is-great'),
      ],
    },
    discharges: [
      {
        location: 'bob',
        key: text('bob-caveat-root-key'),
        id: text('bob-is-great'),
        caveats: [first('splendid')],
      },
      {
        location: 'charlie',
        key: text('charlie-caveat-root-key'),
        id: text('charlie-is-great'),
        caveats: [first('top of the world')],
      },
    ],
    exact: [text('wonderful'), text('splendid'), text('top of the world')],
    variants: ['valid', 'wrong-key', 'unsatisfied', 'tampered-discharge'],
  },
  {
    name: 'third-party/unused-discharge',
    description:
      'an extra discharge that no caveat needs (go and js reject it, pymacaroons and libmacaroons ignore it)',
    versions: [1, 2],
    root: { ...BANK, caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)] },
    discharges: [
      { location: 'http://auth.mybank/', key: text(CAVEAT_KEY), id: text(CAVEAT_ID), caveats: [] },
      { location: 'http://elsewhere/', key: text('another key'), id: text('not needed'), caveats: [] },
    ],
    variants: ['valid'],
  },
  {
    name: 'third-party/nested',
    description: 'a discharge with its own third-party caveat, whose discharge is also bound to the root',
    versions: [1, 2],
    root: { ...BANK, caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)] },
    discharges: [
      {
        location: 'http://auth.mybank/',
        key: text(CAVEAT_KEY),
        id: text(CAVEAT_ID),
        caveats: [first('user = alice'), third('http://mfa.example/', 'mfa caveat key', 'mfa: alice')],
      },
      {
        location: 'http://mfa.example/',
        key: text('mfa caveat key'),
        id: text('mfa: alice'),
        caveats: [first('mfa = ok')],
      },
    ],
    exact: [text('user = alice'), text('mfa = ok')],
    variants: ['valid', 'unsatisfied', 'tampered-discharge'],
  },
  {
    name: 'third-party/cycle',
    description: 'a discharge whose own third-party caveat needs itself',
    versions: [1, 2],
    root: { ...BANK, caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)] },
    discharges: [
      {
        location: 'http://auth.mybank/',
        key: text(CAVEAT_KEY),
        id: text(CAVEAT_ID),
        caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)],
      },
    ],
    variants: ['valid'],
  },
  {
    name: 'third-party/mixed-version-bundle',
    description: "a V2 root with a V1 discharge in one bundle (go's Slice mixes versions)",
    versions: [2],
    formats: ['slice', 'slice-json'],
    root: { ...BANK, caveats: [third('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID)] },
    discharges: [
      {
        location: 'http://auth.mybank/',
        key: text(CAVEAT_KEY),
        id: text(CAVEAT_ID),
        caveats: [first('time < 2030-01-01T00:00')],
        version: 1,
      },
    ],
    general: [{ kind: 'prefix', value: 'time < ' }],
    variants: ['valid', 'wrong-key', 'unsatisfied'],
  },
  {
    name: 'empty-locations',
    description: 'empty macaroon, caveat and discharge locations',
    versions: [1, 2],
    root: {
      location: '',
      key: text('k'),
      id: text('id'),
      caveats: [first('a = 1'), third('', 'caveat key', 'cid')],
    },
    discharges: [{ location: '', key: text('caveat key'), id: text('cid'), caveats: [first('b = 2')] }],
    exact: [text('a = 1'), text('b = 2')],
    variants: ['valid', 'unsatisfied', 'tampered-signature'],
  },
  {
    name: 'binary-identifiers',
    description: 'non-UTF-8 macaroon, caveat and discharge identifiers (V2 only: V1 carries text)',
    versions: [2],
    root: {
      location: 'http://bin/',
      key: hex('00ff10'),
      id: hex('00ff80c0feed'),
      caveats: [first('op = read'), third('http://third/', 'third key', hex('c3288000ff'))],
    },
    discharges: [{ location: 'http://third/', key: text('third key'), id: hex('c3288000ff'), caveats: [] }],
    exact: [text('op = read')],
    variants: ['valid', 'wrong-key', 'tampered-signature', 'extra-caveat'],
  },
  {
    name: 'binary-identifiers-v1',
    description:
      'non-UTF-8 macaroon, caveat and discharge identifiers in V1 packets (libmacaroons writes them; go, ' +
      'js-macaroon and pymacaroons refuse, and so does our writer)',
    versions: [1],
    root: {
      location: 'http://bin/',
      key: hex('00ff10'),
      id: hex('00ff80c0feed'),
      caveats: [first('op = read'), third('http://third/', 'third key', hex('c3288000ff'))],
    },
    discharges: [{ location: 'http://third/', key: text('third key'), id: hex('c3288000ff'), caveats: [] }],
    exact: [text('op = read')],
    variants: ['valid', 'wrong-key', 'tampered-signature', 'extra-caveat'],
  },
];
