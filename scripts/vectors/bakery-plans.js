/**
 * What the bakery peers mint for the vectors and the interoperability tests: bakery versions 1, 2 and 3,
 * first-party std caveats, one and two public-key third parties (one of them reached through a
 * discharge), and the Oven's protobuf ids. Each plan says what each discharger adds to its discharge.
 */
export const TP1 = 'https://auth.example';
export const TP2 = 'https://mfa.example';
/** The clock of the verdicts: before every time-before of the plans, and after the earliest one. */
export const NOW_VALID = Date.parse('2029-06-01T00:00:00Z');
export const NOW_EXPIRED = Date.parse('2031-06-01T00:00:00Z');

const future = 'time-before 2030-01-01T00:00:00Z';

export const BAKERY_PLANS = [
  {
    name: 'first-party std caveats',
    caveats: [{ condition: future }, { condition: 'declared user alice' }],
    dischargers: {},
  },
  {
    name: 'one public-key third party',
    caveats: [
      { condition: future },
      { condition: 'declared user alice' },
      { location: TP1, condition: 'is-user alice' },
    ],
    dischargers: {
      [TP1]: { expectCondition: 'is-user alice', caveats: [{ condition: 'declared user alice' }] },
    },
  },
  {
    name: 'two public-key third parties',
    caveats: [
      { condition: future },
      { location: TP1, condition: 'is-user alice' },
      { location: TP2, condition: 'second-factor' },
    ],
    dischargers: {
      [TP1]: { expectCondition: 'is-user alice', caveats: [{ condition: 'declared user alice' }] },
      [TP2]: {
        expectCondition: 'second-factor',
        caveats: [{ condition: 'time-before 2029-12-01T00:00:00Z' }],
      },
    },
  },
  {
    name: 'a third party adds a third-party caveat to its discharge',
    caveats: [{ condition: 'declared user alice' }, { location: TP1, condition: 'is-user alice' }],
    dischargers: {
      [TP1]: {
        expectCondition: 'is-user alice',
        caveats: [{ condition: 'declared user alice' }, { location: TP2, condition: 'second-factor' }],
      },
      [TP2]: { expectCondition: 'second-factor', caveats: [] },
    },
  },
  {
    name: 'conflicting declarations',
    caveats: [{ condition: 'declared user alice' }, { location: TP1, condition: 'is-user alice' }],
    dischargers: { [TP1]: { caveats: [{ condition: 'declared user mallory' }] } },
  },
  {
    name: 'Oven id with operations and a third party',
    oven: {
      ops: [
        ['account-42', 'read'],
        ['account-42', 'write'],
      ],
      expiryMs: Date.parse('2030-01-01T00:00:00Z'),
    },
    caveats: [{ location: TP1, condition: 'is-user alice' }],
    dischargers: { [TP1]: { caveats: [{ condition: 'declared user alice' }] } },
  },
];

export const BAKERY_VERSIONS = [1, 2, 3];
