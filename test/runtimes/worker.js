// The Cloudflare Worker run by workerd: POST the vectors files ([{ name, data }]) as JSON, get the
// report back. Bundled by scripts/runtimes/workerd.js with the `workerd` and `worker` conditions, as
// wrangler does, so `macaroon-engine` resolves to the entry that imports the .wasm module; the builds
// imported here arrive as compiled modules too.
import scalar from 'macaroon-engine/wasm/macaroon-scalar.wasm';
import simd from 'macaroon-engine/wasm/macaroon-simd.wasm';
import { runChecks } from './checks.js';

export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('POST the vectors', { status: 405 });
    const report = await runChecks({
      vectorFiles: await request.json(),
      builds: { simd: async () => simd, scalar: async () => scalar },
    });
    report.runtime = navigator.userAgent;
    return Response.json(report);
  },
};
