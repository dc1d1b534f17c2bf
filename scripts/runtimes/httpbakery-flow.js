// httpbakery across the runtime matrix, over real HTTP: our discharger and a service needing its
// discharge run as two Cloudflare Workers in one workerd (each on its own free loopback port, bundled
// from the installed tarball as wrangler would), and our client runs in a Chromium page on a third
// origin. The page's client walks the flow (401 discharge-required, preflighted POST /discharge, bind,
// retry with the macaroon-* cookie, 200), which only works if both Workers answer CORS properly; the
// same page on an origin they do not list must fail. Run from scripts/runtimes/chromium.js, in the
// browser it has already launched.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle } from './bundle.js';
import { localBin } from './paths.js';
import { start } from './processes.js';
import { COMPATIBILITY_DATE, freePort } from './workerd.js';

const page = (script) =>
  `<!doctype html><meta charset="utf-8"><title>httpbakery</title><link rel="icon" href="data:,"><script type="module" src="./${script}"></script>\n`;

const text = (value) => JSON.stringify(String(value)); // Cap'n Proto text literals escape as JSON does

function workerConfig(name, dir, built, bindings) {
  const modules = [
    `(name = "worker.js", esModule = embed "${dir}/worker.js")`,
    ...built.wasm.map((f) => `(name = "${f.split('/').pop()}", wasm = embed "${dir}/${f.split('/').pop()}")`),
  ];
  const values = Object.entries(bindings).map(([k, v]) => `(name = "${k}", text = ${text(v)})`);
  return `const ${name} :Workerd.Worker = (
  modules = [${modules.join(', ')}],
  bindings = [${values.join(', ')}],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  globalOutbound = "loopback",
);`;
}

/** Both Workers in one workerd; the service reaches the discharger's /discharge/info over loopback. */
async function serveWorkers(consumer, pageOrigin) {
  const root = join(consumer, 'workerd-httpbakery');
  const built = {};
  for (const name of ['discharger', 'service']) {
    mkdirSync(join(root, name), { recursive: true });
    built[name] = await bundle(
      join(consumer, `httpbakery-${name}-worker.js`),
      join(root, name, 'worker.js'),
      {
        target: 'workerd',
      },
    );
  }
  // The discharger's key, made by the package under test as a deployment script would.
  const { KeyPair } = await import(
    pathToFileURL(join(consumer, 'node_modules', 'macaroon-engine', 'dist', 'bakery', 'index.js')).href
  );
  const key = KeyPair.generate().toJSON();
  const ports = { discharger: await freePort(), service: await freePort() };
  const urls = {
    discharger: `http://127.0.0.1:${ports.discharger}`,
    service: `http://127.0.0.1:${ports.service}`,
  };
  const rootKey = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  writeFileSync(
    join(root, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "discharger", worker = .discharger),
    (name = "service", worker = .service),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "discharger", address = "127.0.0.1:${ports.discharger}", http = (), service = "discharger"),
    (name = "service", address = "127.0.0.1:${ports.service}", http = (), service = "service"),
  ],
);
${workerConfig('discharger', 'discharger', built.discharger, {
  DISCHARGER_PRIVATE_KEY: key.private,
  PAGE_ORIGIN: pageOrigin,
})}
${workerConfig('service', 'service', built.service, {
  ROOT_KEY: rootKey,
  DISCHARGER_URL: urls.discharger,
  PAGE_ORIGIN: pageOrigin,
})}
`,
  );
  const server = start(localBin('workerd'), ['serve', 'config.capnp'], { cwd: root });
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`workerd exited:\n${server.output().slice(-3000)}`);
    try {
      await fetch(`${urls.discharger}/discharge/info`);
      // (At bakery version 0 the service would answer 407, which undici's fetch turns into an error.)
      await fetch(`${urls.service}/`, { headers: { 'Bakery-Protocol-Version': '3' } });
      break;
    } catch (e) {
      if (performance.now() > deadline) {
        await server.stop();
        throw new Error(
          `workerd did not answer: ${e.message} (${e.cause?.message ?? e.cause})\n${server.output().slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { server, urls, publicKey: key.public };
}

/** The checks of one run: [name, ok, detail]. */
function judge(result, requests, urls) {
  const port = (u) => new URL(u).port;
  const [d, s] = [port(urls.discharger), port(urls.service)];
  const checks = [];
  const expect = (name, ok, detail) => checks.push([name, ok === true, detail]);
  const first = result.first ?? {};
  expect(
    'the page client: 401 from the service, POST /discharge, retry, 200',
    JSON.stringify(first.steps) ===
      JSON.stringify([`GET ${s} /accounts/42 401`, `POST ${d} /discharge 200`, `GET ${s} /accounts/42 200`]),
    JSON.stringify(result),
  );
  expect(
    'the service saw alice, one discharge, sent as the macaroon-accounts cookie',
    first.body?.user === 'alice' && first.body?.discharges === 1 && first.body?.via === 'cookie',
    JSON.stringify(first.body),
  );
  expect(
    'the cookie lives under MacaroonPath (/accounts), not on the page',
    result.cookieVisibleHere === false,
    String(result.cookieVisibleHere),
  );
  const second = result.second ?? {};
  expect(
    'a fresh client (a reload) gets 200 at once: the browser sent the cookie',
    JSON.stringify(second.steps) === JSON.stringify([`GET ${s} /accounts/43 200`]) &&
      second.body?.via === 'cookie',
    JSON.stringify(second),
  );
  // The discharger, as it saw things: the service's /discharge/info (no Origin: not a browser), then
  // the page's preflight and POST from the page's origin.
  const origin = result.origin;
  expect(
    "the discharger answered the service's /discharge/info, then the page's preflight and POST",
    requests.includes('GET /discharge/info - 200') &&
      requests.includes(`OPTIONS /discharge ${origin} 204`) &&
      requests.includes(`POST /discharge ${origin} 200`),
    JSON.stringify(requests),
  );
  return checks;
}

/**
 * Runs the flow in `context` (a launched Chromium) with pages served from `dir` at `origin`; returns
 * { passed, failed, failures }.
 */
export async function runHttpBakeryFlow({ context, consumer, dir, origin }) {
  await bundle(join(consumer, 'httpbakery-page.js'), join(dir, 'httpbakery.js'), { target: 'browser' });
  writeFileSync(join(dir, 'httpbakery.html'), page('httpbakery.js'));
  const { server, urls } = await serveWorkers(consumer, origin);
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  try {
    const run = async (pageOrigin) => {
      await tab.goto(`${pageOrigin}/httpbakery.html`);
      await tab.waitForFunction(() => typeof globalThis.runHttpBakeryFlow === 'function');
      return tab.evaluate((service) => globalThis.runHttpBakeryFlow({ service }), urls.service);
    };
    const result = await run(origin);
    const requests = await (await fetch(`${urls.discharger}/requests`)).json();
    const checks = judge(result, requests, urls);
    // The same page on an origin the Workers do not list (localhost, same server): the browser must
    // refuse to let it read the service's answer.
    const other = origin.replace('127.0.0.1', 'localhost');
    const refused = await run(other);
    checks.push([
      'a page on an origin not listed in cors cannot use the service (the browser blocks it)',
      refused.origin === other && /TypeError/.test(refused.error ?? '') && refused.first === undefined,
      JSON.stringify(refused),
    ]);
    for (const e of errors) checks.push([e, false, '']);
    const failures = checks
      .filter(([, ok]) => !ok)
      .map(([name, , detail]) => `httpbakery over HTTP: ${name}: ${detail}`);
    return { passed: checks.length - failures.length, failed: failures.length, failures };
  } catch (e) {
    e.message += `\nworkerd output:\n${server.output().slice(-3000)}`;
    throw e;
  } finally {
    await tab.close();
    await server.stop();
  }
}
