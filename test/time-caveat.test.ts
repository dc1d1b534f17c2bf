/**
 * One reader of `time < T`: the forms it accepts and refuses, the gateway's `timeBefore` and the CLI's
 * `--time-before-now` agreeing on every one, and timestamps written by the peers themselves (Python's
 * `datetime.isoformat()` in tokens minted by pymacaroons, Go's `time.RFC3339Nano`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { timeBeforeNow } from '../src/cli/time.js';
import { timeBefore } from '../src/gateway/index.js';
import { Macaroon, parseCaveatTime, timeCaveatDeadline, Verifier } from '../src/index.js';

const T2030 = Date.UTC(2030, 0, 1);

const ACCEPTED: [string, number][] = [
  ['2030-01-01', T2030],
  ['2030-01-01T00:00', T2030],
  ['2030-01-01T00:00Z', T2030],
  ['2030-01-01t00:00:00z', T2030],
  ['2030-01-01T00:00:00.000Z', T2030],
  ['2030-01-01T00:00:00.123456789Z', T2030 + 123],
  ['2030-01-01T02:00:00+02:00', T2030],
  ['2029-12-31T19:00:00-05:00', T2030],
  ['2030-01-01T00:00:00.5', T2030 + 500],
  ['2028-02-29T12:00:00Z', Date.UTC(2028, 1, 29, 12)],
  ['0099-01-01', Date.parse('0099-01-01T00:00:00Z')],
];

const REFUSED = [
  '2030-02-31',
  '2029-02-29',
  '2030-13-01',
  '2030-01-01T24:00',
  '2030-01-01T00:60',
  '2030-01-01T00:00:60Z',
  '2030-01-01T00:00:00+24:00',
  '2030-01-01T00:00:00.1234567890Z',
  '2030-01-01 00:00:00',
  ' 2030-01-01',
  '2030-01-01T00:00:00ZZ',
  '30-01-01',
  '2030-1-1',
  'tomorrow',
  '',
];

afterEach(() => {
  vi.useRealTimers();
});

describe('parseCaveatTime', () => {
  it.each(ACCEPTED)('reads %s', (text, ms) => {
    expect(parseCaveatTime(text)).toBe(ms);
    expect(timeCaveatDeadline(`time < ${text}`)).toBe(ms);
  });

  it.each(REFUSED)('refuses %j', (text) => {
    expect(parseCaveatTime(text)).toBeUndefined();
    expect(timeCaveatDeadline(`time < ${text}`)).toBeUndefined();
  });

  it('is only `time < ` followed by the time', () => {
    for (const p of ['time <2030-01-01', 'time  < 2030-01-01', 'Time < 2030-01-01', 'time > 2030-01-01']) {
      expect(timeCaveatDeadline(p)).toBeUndefined();
    }
  });
});

describe('the CLI and the gateway agree', () => {
  it.each([...ACCEPTED.map(([t]) => t), ...REFUSED])(
    'on time < %s, just before and at the deadline',
    (text) => {
      const predicate = `time < ${text}`;
      const deadline = parseCaveatTime(text);
      for (const now of deadline === undefined ? [0, T2030] : [deadline - 1, deadline]) {
        vi.useFakeTimers({ now });
        expect(timeBeforeNow(predicate)).toBe(timeBefore(predicate));
        expect(timeBefore(predicate, { now })).toBe(deadline !== undefined && now < deadline);
        vi.useRealTimers();
      }
    },
  );
});

const pymacaroons = spawnSync('/usr/bin/python3', ['-c', 'import pymacaroons']).status === 0;

describe.skipIf(!pymacaroons)('timestamps written by Python (isoformat) in pymacaroons tokens', () => {
  const script = `
import datetime as d, json
from pymacaroons import Macaroon
utc = d.timezone.utc
times = [d.datetime(2030, 1, 1, tzinfo=utc), d.datetime(2030, 1, 1, 12, 30, 15, 123456, tzinfo=utc),
         d.datetime(2030, 1, 1, 12, 30, tzinfo=d.timezone(d.timedelta(hours=5, minutes=30))),
         d.datetime(2030, 1, 1, 12, 30, 15, 250000), d.date(2030, 6, 1)]
out = []
for t in times:
    aware = t if isinstance(t, d.datetime) and t.tzinfo else (d.datetime(t.year, t.month, t.day, tzinfo=utc) if not isinstance(t, d.datetime) else t.replace(tzinfo=utc))
    m = Macaroon(location='', identifier='py', key='python time key').add_first_party_caveat('time < ' + t.isoformat())
    out.append({'text': t.isoformat(), 'ms': round(aware.timestamp() * 1000), 'token': m.serialize()})
print(json.dumps(out))
`;
  const minted = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' })) as {
    text: string;
    ms: number;
    token: string;
  }[];

  it.each(minted.map((m) => [m.text, m] as const))('%s', (_text, { text, ms, token }) => {
    expect(parseCaveatTime(text)).toBe(ms);
    const verifier = new Verifier().satisfyGeneral(timeBefore);
    const at = (now: number) =>
      verifier.verifyBatch([{ macaroon: token, rootKey: 'python time key', context: { now } }]);
    expect(at(ms - 1)[0]?.ok).toBe(true);
    expect(at(ms)[0]?.ok).toBe(false);
    expect(Macaroon.deserialize(token).caveats[0]?.predicate).toBe(`time < ${text}`);
  });
});

const go = spawnSync('go', ['version']).status === 0;

describe.skipIf(!go)('timestamps written by Go (time.RFC3339Nano, RFC3339)', () => {
  it('reads each one as the instant Go meant', { timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'time-go-'));
    try {
      writeFileSync(
        join(dir, 'main.go'),
        `package main

import (
	"encoding/json"
	"fmt"
	"time"
)

func main() {
	zone := time.FixedZone("", -(3*3600 + 30*60))
	times := []time.Time{
		time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2030, 1, 1, 12, 30, 15, 123456789, time.UTC),
		time.Date(2030, 1, 1, 12, 30, 15, 100000000, zone),
	}
	type row struct {
		Text string \`json:"text"\`
		Ms   int64  \`json:"ms"\`
	}
	var out []row
	for _, t := range times {
		out = append(out, row{t.Format(time.RFC3339Nano), t.UnixMilli()}, row{t.Format(time.RFC3339), t.Unix() * 1000})
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
`,
      );
      const env = { ...process.env, GO111MODULE: 'off', GOFLAGS: '' };
      const rows = JSON.parse(
        execFileSync('go', ['run', join(dir, 'main.go')], { env, encoding: 'utf8' }),
      ) as {
        text: string;
        ms: number;
      }[];
      expect(rows.length).toBe(6);
      for (const { text, ms } of rows) expect([text, parseCaveatTime(text)]).toEqual([text, ms]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
