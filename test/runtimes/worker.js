// The Cloudflare Worker run by workerd: POST the vectors files ([{ name, data }]) as JSON, get the
// report back. Bundled by scripts/runtimes/workerd.js with the `workerd` and `worker` conditions, as
// wrangler does, so `macaroon-engine` resolves to the entry that imports the .wasm module.
import { runChecks } from './checks.js';

export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('POST the vectors', { status: 405 });
    const report = await runChecks({ vectorFiles: await request.json() });
    report.runtime = navigator.userAgent;
    return Response.json(report);
  },
};
