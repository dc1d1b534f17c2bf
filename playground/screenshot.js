// Regenerates docs/playground.png, the README's picture of the page: the go-macaroon example (a
// third-party caveat with its bound discharge) verified, in Debian's Chromium.
//
//   npm run playground:build && node playground/screenshot.js
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEFAULT_OUTDIR } from './build.js';
import { servePlayground } from './serve.js';

const OUT = join(DEFAULT_OUTDIR, '..', '..', 'docs', 'playground.png');
const { server, url } = await servePlayground({ dir: DEFAULT_OUTDIR });
const browser = await chromium.launch({
  executablePath: process.env.RUNTIMES_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1640 } });
  await page.goto(url);
  await page.waitForSelector('html[data-engine-ready]');
  await page.selectOption('#example', '1');
  await page.fill('#now', '2029-01-01T00:00:00Z');
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  server.close();
}
