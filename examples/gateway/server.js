// The example gateway: GET /accounts/:id behind macaroon verification, micro-batched.
//
//   GATEWAY_ROOT_KEY=<hex> PORT=8080 npm run gateway
//
// A token is accepted when it was minted with GATEWAY_ROOT_KEY (any identifier), has `account = …`,
// `action = …` and `time < …` caveats (requiredCaveats), and its caveats are all satisfied: `account =
// <id>` for the account in the URL, `action = read`, `time < T` with T in the future (and optionally
// `service = accounts`, `api = v1`); third-party caveats need their bound discharges. Valid: 200 and a
// small JSON body; not authorized: 401; malformed token: 400; a verification that could not run: 503.
//
// Many nodes: GATEWAY_STORE=redis://HOST:PORT or postgres://USER@HOST/DB (or file:PATH) takes root keys
// and revocations from a shared store instead of GATEWAY_ROOT_KEY; mint with `macaroon mint --store URL`
// and revoke with `macaroon revoke TOKEN --store URL`. Verified tokens are cached (GATEWAY_CACHE=0 turns
// the cache off; GATEWAY_CACHE_ENTRIES, default 10000, bounds it).
//
// Settings for experiments and the load test (npm run loadtest): GATEWAY_AUTH=batch|direct|none,
// GATEWAY_ENGINE=auto|wasm|js, GATEWAY_POOL=0|auto|<threads>, GATEWAY_MAX_BATCH, GATEWAY_MAX_WAIT_MS,
// HOST (default 127.0.0.1). PORT=0 picks a free port; the first line printed says which.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Macaroon, ready } from 'macaroon-engine';
import { BatchVerifier, Gateway, rootKeyFromHex, VerifiedTokenCache } from 'macaroon-engine/gateway';
import { VerifierPool, withMacaroonAuthNode } from 'macaroon-engine/node';
import { DEFAULT_ROTATION_POLICY } from 'macaroon-engine/store';
import { openStore } from 'macaroon-engine/store/open';
import { createVerifier } from './verifier.js';

const env = process.env;
const port = Number(env.PORT ?? 8080);
const host = env.HOST ?? '127.0.0.1';
const auth = env.GATEWAY_AUTH ?? 'batch';
const engine = env.GATEWAY_ENGINE ?? 'auto';
const poolSetting = env.GATEWAY_POOL ?? '0';
const useCache = (env.GATEWAY_CACHE ?? '1') !== '0';
const cacheEntries = Number(env.GATEWAY_CACHE_ENTRIES ?? 10_000);

if (!['batch', 'direct', 'none'].includes(auth)) fail(`GATEWAY_AUTH must be batch, direct or none`);
if (!['auto', 'wasm', 'js'].includes(engine)) fail(`GATEWAY_ENGINE must be auto, wasm or js`);

let rootKey;
let store;
let ephemeral = false;
if (env.GATEWAY_STORE) {
  try {
    store = await openStore(env.GATEWAY_STORE, { policy: DEFAULT_ROTATION_POLICY });
  } catch (e) {
    fail(`cannot open GATEWAY_STORE (${e?.code ?? 'unknown error'})`); // the URL may hold a password
  }
} else if (env.GATEWAY_ROOT_KEY) {
  try {
    rootKey = rootKeyFromHex(env.GATEWAY_ROOT_KEY);
  } catch {
    fail('GATEWAY_ROOT_KEY must be hex (e.g. 64 hex digits for a 32-byte key)');
  }
} else {
  rootKey = new Uint8Array(randomBytes(32));
  ephemeral = true;
}

const info = await ready();
const verifier = createVerifier({ engine });
if (engine === 'wasm' && !verifier.engine.startsWith('wasm')) fail('the WASM engine is not available');

let pool;
let gateway;
if (auth !== 'none') {
  let target = verifier;
  if (poolSetting !== '0') {
    pool = new VerifierPool({
      verifierModule: new URL('./verifier.js', import.meta.url),
      verifierOptions: { engine },
      ...(poolSetting === 'auto' ? {} : { size: Number(poolSetting) }),
    });
    target = pool; // decodes bundles in its workers: the main thread only parses HTTP
  }
  const batchOptions = {
    ...(env.GATEWAY_MAX_BATCH ? { maxBatchSize: Number(env.GATEWAY_MAX_BATCH) } : {}),
    ...(env.GATEWAY_MAX_WAIT_MS ? { maxWaitMs: Number(env.GATEWAY_MAX_WAIT_MS) } : {}),
  };
  gateway = new Gateway({
    ...(store ? { store } : { rootKey }),
    verifier: auth === 'batch' || pool ? new BatchVerifier(target, batchOptions) : verifier,
    // Without this, a token with no account caveat would work for every account (no caveat, no
    // restriction): every token must name its account, its action and its expiry.
    requiredCaveats: ['account = ', 'action = ', 'time < '],
    // A cache hit checks caveats in this thread, with the same checks the workers run.
    ...(useCache ? { cache: new VerifiedTokenCache({ maxEntries: cacheEntries }), checks: verifier } : {}),
  });
}

const ACCOUNT = /^\/accounts\/([A-Za-z0-9_-]{1,64})$/;

function account(req) {
  const path = (req.url ?? '/').split('?', 1)[0];
  return ACCOUNT.exec(path)?.[1];
}

function sendAccount(res, id, auth) {
  // What verification established reaches the handler without decoding the token again.
  const keyId = auth?.verified.rootKeyId;
  const body = JSON.stringify({ account: id, balance: 100, currency: 'EUR', ...(keyId ? { keyId } : {}) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const protectedRoute = gateway
  ? withMacaroonAuthNode((req, res, auth) => sendAccount(res, account(req), auth), {
      gateway,
      facts: (req) => ({ exact: [`account = ${account(req)}`, 'action = read'] }),
    })
  : (req, res) => sendAccount(res, account(req));

const server = createServer((req, res) => {
  const id = account(req);
  if (id === undefined) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not-found"}');
  } else if (req.method !== 'GET') {
    res.writeHead(405, { 'content-type': 'application/json', allow: 'GET' });
    res.end('{"error":"method-not-allowed"}');
  } else {
    protectedRoute(req, res);
  }
});

server.listen(port, host, async () => {
  const { port: actual } = server.address();
  const engineName = pool ? `${await pool.engine()} x${pool.size} workers` : verifier.engine;
  console.log(
    `gateway listening on http://${host}:${actual} (auth ${auth}, engine ${engineName}, ready: ${info.engine}, cache ${useCache && gateway ? 'on' : 'off'}, store ${store ? new URL(env.GATEWAY_STORE).protocol.slice(0, -1) : 'embedded'})`,
  );
  if (ephemeral) {
    // Only for a throwaway key: never print tokens minted with a real one.
    const token = Macaroon.create('http://localhost/', rootKey, 'example')
      .addFirstPartyCaveat('account = 42')
      .addFirstPartyCaveat('action = read')
      .addFirstPartyCaveat(`time < ${new Date(Date.now() + 3600_000).toISOString()}`)
      .serialize();
    console.log(`GATEWAY_ROOT_KEY not set: using a random key. A token for account 42, valid for one hour:`);
    console.log(`  curl -H 'Authorization: Macaroon ${token}' http://${host}:${actual}/accounts/42`);
  }
});

// The load test reads this line (at shutdown, and on SIGUSR2) for the batch sizes and the cache's hits.
function printStats() {
  const stats = gateway ? { ...gateway.stats, cache: gateway.cacheStats ?? null } : { batches: 0, items: 0 };
  console.log(`gateway-stats ${JSON.stringify(stats)}`);
}
process.on('SIGUSR2', printStats);

async function shutdown() {
  printStats();
  server.close();
  server.closeAllConnections();
  await pool?.close();
  gateway?.close();
  await store?.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

function fail(message) {
  console.error(`gateway: ${message}`);
  process.exit(1);
}
