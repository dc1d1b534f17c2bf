// Chromium (Debian's /usr/bin/chromium, never a downloaded browser), headless, driven by
// playwright-core: the page loads the consumer's code bundled with the `browser` condition from a
// loopback HTTP server, as a site would serve it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from './bundle.js';
import { runHttpBakeryFlow } from './httpbakery-flow.js';
import { CHROMIUM } from './paths.js';
import { workerdAvailable } from './workerd.js';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const page = (script) =>
  `<!doctype html><meta charset="utf-8"><title>macaroon-engine</title><link rel="icon" href="data:,"><script type="module" src="./${script}"></script>\n`;

function serveDirectory(dir) {
  const server = createServer(async (req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'index.html';
    if (name.includes('..') || name.includes('/')) return res.writeHead(404).end();
    try {
      const body = await readFile(join(dir, name));
      const type = name.endsWith('.html') ? 'text/html' : 'text/javascript';
      const headers = { 'content-type': type, 'cache-control': 'no-store' };
      // A site whose Content-Security-Policy does not allow 'wasm-unsafe-eval'.
      if (name.startsWith('csp-')) headers['content-security-policy'] = "script-src 'self'";
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }),
    );
  });
}

export function chromiumAvailable() {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is missing (Debian package chromium; .ci/run installs it)`;
}

export async function runChromium(consumer, vectorFiles) {
  const { chromium } = await import('playwright-core');
  const dir = join(consumer, 'chromium');
  mkdirSync(dir, { recursive: true });
  const size = await bundle(join(consumer, 'first-verify-browser.js'), join(dir, 'first-verify.js'), {
    target: 'browser',
    minify: true,
  });
  await bundle(join(consumer, 'browser.js'), join(dir, 'checks.js'), { target: 'browser' });
  writeFileSync(join(dir, 'first-verify.html'), page('first-verify.js'));
  writeFileSync(join(dir, 'csp-first-verify.html'), page('first-verify.js'));
  writeFileSync(join(dir, 'index.html'), page('checks.js'));

  const { server, origin } = await serveDirectory(dir);
  const profile = mkdtempSync(join(tmpdir(), 'macaroon-engine-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  const errors = [];
  try {
    const tab = await context.newPage();
    tab.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    tab.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));

    // Cold start: from navigation start (a fresh profile, nothing cached) to the first verified token.
    await tab.goto(`${origin}/first-verify.html`);
    const cold = await tab.evaluate(async () => {
      const result = await globalThis.firstVerifyResult;
      return { navigationToFirstVerifyMs: performance.now(), ...result };
    });

    // Where a CSP forbids compiling WebAssembly, ready() must still resolve and the TS engine verify.
    await tab.goto(`${origin}/csp-first-verify.html`);
    const underCsp = await tab.evaluate(() => globalThis.firstVerifyResult);
    const cspErrors = errors.splice(0).filter((e) => !e.includes('WebAssembly'));

    await tab.goto(`${origin}/index.html`);
    await tab.waitForFunction(() => typeof globalThis.runRuntimeChecks === 'function');
    const report = await tab.evaluate((files) => globalThis.runRuntimeChecks(files), vectorFiles);
    report.userAgent = report.runtime;
    report.runtime = `chromium ${context.browser()?.version() ?? '(unknown version)'}`;
    report.coldStart = cold;
    if (!cold.ok || !cold.engine.startsWith('wasm')) {
      report.failed++;
      report.failures.push(`first-verify page: ${JSON.stringify(cold)}`);
    }
    report.underCsp = underCsp;
    if (underCsp.engine === 'js' && underCsp.ok && cspErrors.length === 0) report.passed++;
    else {
      report.failed++;
      report.failures.push(
        `under a CSP without 'wasm-unsafe-eval': ${JSON.stringify(underCsp)} ${cspErrors}`,
      );
    }
    report.bundle = size;
    // Our client in this browser against our discharger and service as Workers in workerd, over HTTP.
    const noWorkerd = workerdAvailable();
    if (noWorkerd) {
      report.failed++;
      report.failures.push(`httpbakery over HTTP needs workerd: ${noWorkerd}`);
    } else {
      const flow = await runHttpBakeryFlow({ context, consumer, dir, origin });
      report.passed += flow.passed;
      report.failed += flow.failed;
      report.failures.push(...flow.failures);
      report.sections.httpbakeryOverHttp = { passed: flow.passed, failed: flow.failed };
    }
    for (const e of errors) {
      report.failed++;
      report.failures.push(e);
    }
    return report;
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
