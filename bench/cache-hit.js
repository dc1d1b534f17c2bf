// A cache hit against what users would pick instead: in-process, one core, one repeated W1 token.
//
//   node bench/cache-hit.js [--ms=<per pass>] [--rounds=<n>] [--copies=<n>]    (npm run bench runs it too)
//
// - cache hit: `Gateway.authorize` with a VerifiedTokenCache already holding the token. Every first-party
//   caveat is still checked against the request (4 exact, 2 `time <` through timeBefore), the key is
//   resolved and compared, revocation is consulted (an embedded store), the result is a decision. Each
//   request reads its header from the next of 1,024 separate copies of the header text, as a server
//   hands every request a string of its own (so nothing a string caches, such as its hash, is reused).
//   The copies span ~600 KB, so a read may miss the CPU's caches, which a header just parsed would not:
//   `--copies=16` keeps them in cache.
// - the same through `Gateway.decide`, which answers a hit without a promise (what the node:http
//   adapter calls).
// - jose: `jwtVerify` of an HS256 JWT with the same claims (service, api, account, action, exp), then
//   the claims compared with the request's.
// - node:crypto by hand: split the JWT, HMAC-SHA256 with createHmac, timingSafeEqual, JSON.parse, the
//   same claim checks.
// - cold W1 (for scale): the same token verified without a cache, through the same gateway.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { Gateway, timeBefore, VerifiedTokenCache } from '../dist/gateway/index.js';
import { Macaroon, ready, Verifier } from '../dist/index.js';
import { DEFAULT_ROTATION_POLICY, openMemoryStore } from '../dist/store/index.js';

const DEADLINE = '2099-01-01T00:00:00Z';
const FACTS = { exact: ['account = 42', 'action = read'] };

async function w1(store) {
  const { identifier, key } = await store.newIdentifier();
  const caveatKey = new Uint8Array(32).fill(3);
  const root = Macaroon.create('https://api.example/', key, identifier)
    .addFirstPartyCaveat('service = accounts')
    .addFirstPartyCaveat('api = v1')
    .addFirstPartyCaveat('account = 42')
    .addFirstPartyCaveat('action = read')
    .addFirstPartyCaveat(`time < ${DEADLINE}`)
    .addThirdPartyCaveat('https://auth.example/', caveatKey, 'check-mfa-42');
  const discharge = Macaroon.create('https://auth.example/', caveatKey, 'check-mfa-42').addFirstPartyCaveat(
    `time < ${DEADLINE}`,
  );
  return Macaroon.serializeBundle([root, root.prepareForRequest(discharge)]);
}

const claimsOk = (c, now) =>
  c.service === 'accounts' &&
  c.api === 'v1' &&
  c.account === '42' &&
  c.action === 'read' &&
  c.exp * 1000 > now;

/**
 * Operations per second of `op` (sync or async), best of `rounds` passes of `ms` each: per second of
 * wall time, and per second of this process's CPU time (what one dedicated core would do; meaningful
 * when other work shares the machine).
 */
async function rate(op, { ms, rounds, batch = 256 }) {
  let wall = 0;
  let cpu = 0;
  for (let r = 0; r < rounds + 1; r++) {
    let n = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    while (performance.now() - start < ms) {
      // Synchronous answers are counted as they come; promises are awaited together.
      const pending = [];
      for (let i = 0; i < batch; i++) {
        const ok = op();
        if (ok === true) continue;
        if (!(ok instanceof Promise)) throw new Error('a verification failed');
        pending.push(ok);
      }
      if (pending.length > 0 && !(await Promise.all(pending)).every((ok) => ok === true)) {
        throw new Error('a verification failed');
      }
      n += batch;
    }
    const used = process.cpuUsage(cpu0);
    if (r === 0) continue; // the first pass warms up
    wall = Math.max(wall, n / ((performance.now() - start) / 1000));
    cpu = Math.max(cpu, n / ((used.user + used.system) / 1e6));
  }
  return { perSecond: Math.round(wall), perCpuSecond: Math.round(cpu) };
}

export async function cacheHitBench({ ms = 1000, rounds = 3, copies: nCopies = 1024 } = {}) {
  await ready();
  const store = await openMemoryStore({ policy: DEFAULT_ROTATION_POLICY, resyncIntervalMs: 0 });
  const token = await w1(store);
  const verifier = new Verifier()
    .satisfyExact('service = accounts')
    .satisfyExact('api = v1')
    .satisfyGeneral(timeBefore);
  // Separate strings with the same text (built from bytes, so that none is the other or a slice of it).
  const copies = Array.from({ length: nCopies }, () =>
    Buffer.from(`Macaroon ${token}`, 'latin1').toString('latin1'),
  );
  let turn = 0;
  const headers = {
    get: (name) => (name === 'authorization' ? copies[turn++ % nCopies] : null),
  };
  const cached = new Gateway({ store, verifier, cache: new VerifiedTokenCache() });
  const cold = new Gateway({ store, verifier });

  const secret = new Uint8Array(32).fill(9);
  const jwt = await new SignJWT({ service: 'accounts', api: 'v1', account: '42', action: 'read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(Math.floor(Date.parse(DEADLINE) / 1000))
    .sign(secret);
  const byHand = () => {
    const [h, p, s] = jwt.split('.');
    const mac = createHmac('sha256', secret).update(`${h}.${p}`).digest();
    const sig = Buffer.from(s, 'base64url');
    if (sig.length !== mac.length || !timingSafeEqual(sig, mac)) return false;
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    if (header.alg !== 'HS256') return false;
    return claimsOk(JSON.parse(Buffer.from(p, 'base64url').toString()), Date.now());
  };

  const opts = { ms, rounds };
  const rows = [
    {
      id: 'cache-hit',
      label: 'macaroon-engine, W1 cache hit (Gateway.authorize, every caveat checked)',
      ...(await rate(() => cached.authorize(headers, FACTS).then((d) => d.status === 200), opts)),
    },
    {
      id: 'cache-hit-decide',
      label: 'macaroon-engine, W1 cache hit (Gateway.decide: no promise on a hit)',
      ...(await rate(() => {
        const d = cached.decide(headers, FACTS);
        return d instanceof Promise ? d.then((x) => x.status === 200) : d.status === 200;
      }, opts)),
    },
    {
      id: 'jose-hs256',
      label: 'jose jwtVerify, HS256 JWT with the same claims',
      ...(await rate(
        () => jwtVerify(jwt, secret, { algorithms: ['HS256'] }).then((r) => claimsOk(r.payload, Date.now())),
        opts,
      )),
    },
    { id: 'node-crypto-hs256', label: 'node:crypto HS256 JWT by hand', ...(await rate(byHand, opts)) },
    {
      id: 'cold-w1',
      label: 'macaroon-engine, W1 without a cache (same gateway, per request)',
      ...(await rate(() => cold.authorize(headers, FACTS).then((d) => d.status === 200), {
        ...opts,
        batch: 64,
      })),
    },
  ];
  const stats = cached.cacheStats;
  cached.close();
  await store.close();
  return {
    rows,
    cache: stats,
    measured: `best of ${rounds} passes of ${ms} ms after a warm-up pass, one core, ${nCopies} copies of the header`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, d) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d);
  const result = await cacheHitBench({
    ms: arg('ms', 1000),
    rounds: arg('rounds', 3),
    copies: arg('copies', 1024),
  });
  console.log('   wall /s    CPU /s');
  for (const r of result.rows) {
    console.log(`${String(r.perSecond).padStart(10)}${String(r.perCpuSecond).padStart(10)}  ${r.label}`);
  }
}
