// `npm run bench:bakery`: macaroon-bakery figures. (1) A W1-shaped bakery token (four exact first-party
// caveats, a time-before, a declared, one version-3 public-key third-party caveat whose discharge carries
// a declared and a time-before) verified with verifyBatch and bakery's std checker, on each engine, next to
// the plain W1 shape; (2) minting a version-3 public-key caveat and getting its discharge (DischargeAll:
// discharge, then bind) per second here, in Python macaroonbakery and in go-macaroon-bakery.
import {
  BakeryMacaroon,
  checkers,
  discharge,
  dischargeAll,
  KeyPair,
  ThirdPartyStore,
} from '../dist/bakery/index.js';
import { Macaroon, ready, Verifier } from '../dist/index.js';
import { BAKERY_PEER_NAMES, openBakeryPeer } from '../scripts/vectors/bakery-peers.js';
import { machine } from './machine.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.5 : 2;
const COUNT = 1024;
const EXACT = ['account = 3735928559', 'action = read', 'email = alice@example.org', 'ip = 203.0.113.77'];
const NOW = Date.parse('2029-01-01T00:00:00Z');
const TIME = 'time-before 2099-01-01T00:00:00Z';

async function bakeryW1(n) {
  const svc = KeyPair.generate();
  const tp = KeyPair.generate();
  const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
  const items = [];
  for (let i = 0; i < n; i++) {
    const rootKey = `root key ${i} of the bakery W1 set`;
    let m = BakeryMacaroon.create({ rootKey, id: `tok-${i}`, location: 'https://api.example', version: 3 });
    for (const p of EXACT) m = await m.addCaveat({ condition: p });
    m = await m.addCaveats([{ condition: TIME }, { condition: 'declared user alice' }]);
    m = await m.addCaveat(
      { location: 'https://auth.example', condition: 'is-user alice' },
      { key: svc, locator },
    );
    const [root, ...ds] = await dischargeAll(m, ({ id, caveat }) =>
      discharge({
        id,
        caveat,
        key: tp,
        checker: () => [{ condition: 'declared user alice' }, { condition: TIME }],
      }),
    );
    items.push({
      macaroon: root.serialize(),
      rootKey,
      discharges: ds.map((d) => d.serialize()),
      context: { now: NOW },
    });
  }
  return items;
}

function plainW1(n) {
  const items = [];
  for (let i = 0; i < n; i++) {
    const rootKey = `root key ${i} of the plain W1 set`;
    const caveatKey = `caveat key ${i}`;
    let m = Macaroon.create('https://api.example', rootKey, `tok-${i}`);
    for (const p of EXACT) m = m.addFirstPartyCaveat(p);
    m = m
      .addFirstPartyCaveat('time < 2099-01-01T00:00:00Z')
      .addThirdPartyCaveat('https://auth.example', caveatKey, `tp-${i}`);
    const d = Macaroon.create('https://auth.example', caveatKey, `tp-${i}`).addFirstPartyCaveat(
      'time < 2099-01-01T00:00:00Z',
    );
    items.push({
      macaroon: m.serialize(),
      rootKey,
      discharges: [m.prepareForRequest(d).serialize()],
      context: { now: NOW },
    });
  }
  return items;
}

function tokensPerSecond(verifier, items) {
  const check = verifier.verifyBatch(items);
  if (!check.every((r) => r.ok))
    throw new Error(`a token was refused: ${check.find((r) => !r.ok).error.message}`);
  let tokens = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    verifier.verifyBatch(items);
    tokens += items.length;
  }
  return tokens / ((performance.now() - start) / 1000);
}

const timeCheck = (p, ctx) => p.startsWith('time < ') && Date.parse(p.slice(7)) > ctx.now;

async function mintAndDischargePerSecond() {
  const svc = KeyPair.generate();
  const tp = KeyPair.generate();
  const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
  const rootKey = new Uint8Array(24).fill(107);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    const m = await BakeryMacaroon.create({
      rootKey,
      id: 'bench',
      location: 'https://api.example',
      version: 3,
    }).addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator });
    await dischargeAll(m, ({ id, caveat }) =>
      discharge({ id, caveat, key: tp, locator, checker: () => [{ condition: 'declared user alice' }] }),
    );
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

const info = await ready();
const rows = [];
const bakeryItems = await bakeryW1(COUNT);
const plainItems = plainW1(COUNT);
for (const engine of ['wasm', 'js']) {
  const bakery = new Verifier({ engine }).satisfyChecker(checkers.std());
  for (const p of EXACT) bakery.satisfyExact(p);
  const plain = new Verifier({ engine }).satisfyGeneral(timeCheck);
  for (const p of EXACT) plain.satisfyExact(p);
  const name = engine === 'wasm' ? info.engine : 'js';
  rows.push([`bakery W1, verifyBatch, ${name}`, tokensPerSecond(bakery, bakeryItems)]);
  rows.push([`plain W1 (same shape, time < …), verifyBatch, ${name}`, tokensPerSecond(plain, plainItems)]);
}
rows.push(['v3 caveat minted + discharged (DischargeAll), this library', await mintAndDischargePerSecond()]);
for (const name of BAKERY_PEER_NAMES) {
  const { peer, missing } = openBakeryPeer(name);
  if (!peer) {
    rows.push([`v3 caveat minted + discharged, ${name}`, `not installed: ${missing}`]);
    continue;
  }
  const [r] = peer.run([{ kind: 'bench', seconds: SECONDS, version: 3 }]);
  rows.push([
    `v3 caveat minted + discharged (DischargeAll), ${name} (${peer.version})`,
    r.iterations / r.seconds,
  ]);
}

const m = machine();
console.log(
  `\nmacaroon-bakery figures, ${new Date().toISOString()}, ${m.cpu ?? ''} ${m.node ?? process.version}`,
);
console.log('| what | per second |\n| --- | --- |');
for (const [what, value] of rows) {
  console.log(
    `| ${what} | ${typeof value === 'number' ? Math.round(value).toLocaleString('en-US') : value} |`,
  );
}
