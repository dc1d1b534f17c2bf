/**
 * The token shapes of the benchmark workloads, shared by `macaroon bench` (./bench-workloads.ts) and the
 * benchmark suite (bench/workloads.js), so both measure the same tokens. Caveats are 12 to 28 bytes: four a
 * gateway checks exactly, and a time.
 */

/** A caveat list: a string is a first-party predicate, an array a third-party caveat whose discharge holds those. */
export type Shape = readonly (string | readonly string[])[];

export interface WorkloadShape {
  readonly title: string;
  readonly short: string;
  readonly caveats: Shape;
}

export const GATEWAY_EXACT: readonly string[] = [
  'account = 3735928559',
  'action = read',
  'email = alice@example.org',
  'ip = 203.0.113.77',
];

export const W3_EXTRA_EXACT: readonly string[] = [
  'scope = repo:read',
  'scope = repo:write',
  'scope = issues:read',
  'org = example-corp',
  'team = platform',
  'region = eu-west-1',
  'tenant = 420042',
  'plan = enterprise',
  'device = laptop-7781',
  'mfa = totp-sha1',
  'aud = api.example',
  'api-version = 3',
  'client = cli/2.14.0',
  'sess = 8c1f22a9',
  'role = maintainer',
];

export const DISCHARGE_EXACT = 'user = alice';

/** W1, W2 and W3 with `time` (a `time < …` predicate) as their time caveat. */
export function workloadShapes(time: string): Record<'W1' | 'W2' | 'W3', WorkloadShape> {
  return {
    W1: {
      title: 'W1 gateway: 5 first-party + 1 third-party caveat, bound discharge with 1 caveat',
      short: '5 + 1 third-party, 1 discharge',
      caveats: [...GATEWAY_EXACT, time, [time]],
    },
    W2: {
      title: 'W2: 5 first-party caveats, no discharge',
      short: '5 first-party',
      caveats: [...GATEWAY_EXACT, time],
    },
    W3: {
      title: 'W3: 20 first-party + 2 third-party caveats, 2 discharges with 2 caveats each',
      short: '20 + 2 third-party, 2 discharges',
      caveats: [
        ...GATEWAY_EXACT.slice(0, 2),
        ...W3_EXTRA_EXACT.slice(0, 8),
        [time, DISCHARGE_EXACT],
        ...GATEWAY_EXACT.slice(2),
        ...W3_EXTRA_EXACT.slice(8),
        time,
        [time, DISCHARGE_EXACT],
      ],
    },
  };
}
