// A discharger on a free loopback port in its own process (so that the load generator does not share
// its thread), for bench/bakery.js: prints {"url", "publicKey"} and serves until stdin closes. With
// --web, through Web Requests and Responses (a handler without the discharger's plain form).
import { createServer } from 'node:http';
import { checkers, KeyPair } from '../dist/bakery/index.js';
import { createDischarger } from '../dist/discharger/index.js';
import { fetchListener } from '../dist/node/index.js';

const discharger = createDischarger({
  key: KeyPair.generate(),
  check: () => [checkers.declaredCaveat('user', 'alice')],
});
const handler = process.argv.includes('--web') ? (request) => discharger.fetch(request) : discharger.fetch;
const server = createServer(fetchListener(handler));
server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(JSON.stringify({ url, publicKey: String(discharger.publicKey) }));
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
