// Serves the built playground on loopback: `npm run playground` (PORT, default 5173; HOST, default
// 127.0.0.1). A plain static server: the page itself makes no request after loading its three files.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlayground, DEFAULT_OUTDIR } from './build.js';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

/**
 * Serves `dir` on `host:port` (port 0: a free one). `headers` are added to every response (the tests
 * add a Content-Security-Policy without 'wasm-unsafe-eval'). Resolves with the server and its URL.
 */
export function servePlayground({ dir = DEFAULT_OUTDIR, port = 0, host = '127.0.0.1', headers = {} } = {}) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const name = path === '/' ? 'index.html' : path.slice(1);
    const type = TYPES[extname(name)];
    if (!type || name.includes('/') || name.includes('..')) return res.writeHead(404).end('not found');
    try {
      const body = await readFile(join(dir, name));
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      const shown = host.includes(':') ? `[${host}]` : host;
      resolvePromise({ server, url: `http://${shown}:${actual}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildPlayground();
  const port = process.env.PORT === undefined ? 5173 : Number(process.env.PORT);
  const { url } = await servePlayground({ port, host: process.env.HOST ?? '127.0.0.1' });
  console.log(`macaroon playground: ${url}  (Ctrl-C to stop)`);
}
