// `npm start`: the libmacaroons walk-through, step by step, then a batch verification with a throughput
// line. Runs against the built package (dist/), as a user would import it.
import { Macaroon, ready, Verifier } from '../dist/index.js';

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const step = (title) => console.log(`\n== ${title}`);

const info = await ready();

step('Create a macaroon (libmacaroons README seed)');
const secret = 'this is our super secret key; only we should know it';
let m = Macaroon.create('http://mybank/', secret, 'we used our secret key');
console.log(`signature ${hex(m.signature)}`);
console.log(`V1: ${m.serialize('v1')}`);

step('Attenuate it with first-party caveats (each returns a new macaroon)');
for (const predicate of ['account = 3735928559', 'time < 2020-01-01T00:00', 'email = alice@example.org']) {
  m = m.addFirstPartyCaveat(predicate);
  console.log(`+ ${predicate.padEnd(28)} -> ${hex(m.signature)}`);
}

step('Inspect');
process.stdout.write(m.inspect());

step('Serialize in every format, and back');
for (const format of ['v1', 'v2', 'v1j', 'v2j']) {
  const text = m.serialize(format);
  const back = Macaroon.deserialize(text);
  console.log(
    `${format.padEnd(3)} ${String(text.length).padStart(4)} chars, round trip ${back.equals(m) ? 'ok' : 'FAILED'}`,
  );
}

step('Verify');
const verifier = new Verifier()
  .satisfyExact('account = 3735928559')
  .satisfyExact('email = alice@example.org')
  .satisfyGeneral((p) => p.startsWith('time < ') && p.slice(7) > '2019-12-31');
console.log(`with the right key: ${verifier.verifyUnsafe(m, secret) ? 'authorized' : 'NOT authorized'}`);
try {
  verifier.verify(m, 'a wrong key');
} catch (e) {
  console.log(`with a wrong key:   ${e.code} (${e.reason}): ${e.message}`);
}

step('Third-party caveat, discharge and binding');
const caveatKey = '4; guaranteed random by a fair toss of the dice';
const caveatId = 'this was how we remind auth of key/pred';
const root = Macaroon.create(
  'http://mybank/',
  'this is a different super-secret key; never use the same secret twice',
  'we used our other secret key',
)
  .addFirstPartyCaveat('account = 3735928559')
  .addThirdPartyCaveat('http://auth.mybank/', caveatKey, caveatId);
for (const c of root.thirdPartyCaveats()) console.log(`needs a discharge from ${c.location}`);
const discharge = Macaroon.create('http://auth.mybank/', caveatKey, caveatId).addFirstPartyCaveat(
  'time < 2030-01-01T00:00',
);
const bound = root.prepareForRequest(discharge);
const rootKey = 'this is a different super-secret key; never use the same secret twice';
console.log(
  `bound discharge:    ${verifier.verifyUnsafe(root, rootKey, [bound]) ? 'authorized' : 'NOT authorized'}`,
);
console.log(
  `unbound discharge:  ${verifier.verifyUnsafe(root, rootKey, [discharge]) ? 'authorized' : 'NOT authorized'}`,
);
console.log(`bundle (go Slice):  ${Macaroon.serializeBundle([root, bound]).slice(0, 60)}…`);

const gateway = new Verifier()
  .satisfyExact('account = 3735928559')
  .satisfyExact('action = read')
  .satisfyExact('email = alice@example.org')
  .satisfyGeneral((p) => p.startsWith('time < ') && new Date(p.slice(7)).getTime() > Date.now());
step(`Batch verification (engine: ${gateway.engine})`);
const key = new Uint8Array(32).fill(7);
const tokens = [];
for (let i = 0; i < 2000; i++) {
  let t = Macaroon.create('https://api.example/', key, `token-${i}`);
  for (const p of [
    'account = 3735928559',
    'action = read',
    'email = alice@example.org',
    'time < 2030-01-01T00:00',
  ]) {
    t = t.addFirstPartyCaveat(p);
  }
  tokens.push({ macaroon: t.serialize(), rootKey: key });
}
// V8 tiers the engine up over the first few batches; a gateway is measured warm.
for (let i = 0; i < 5; i++) gateway.verifyBatch(tokens);
const started = performance.now();
const results = gateway.verifyBatch(tokens);
const seconds = (performance.now() - started) / 1000;
const ok = results.filter((r) => r.ok).length;
console.log(
  `${ok}/${tokens.length} authorized, ${Math.round(tokens.length / seconds).toLocaleString('en-US')} tokens/s (from serialized strings, warm, ${info.engine} engine)`,
);
