// Every subpath of package.json `exports`, where it must import from the packed tarball, and what it must
// export. To add a subpath: add one line here (scripts/runtimes/run.js fails while an export is missing).
//   runtimes: where it applies. peers: the optional peers it needs; without any, it must import in a
//   consumer that has only the package's `dependencies`. exports: names it must export.
// `./package.json` and the `./wasm/*.wasm` files are not code modules; checks.js loads every .wasm build.
const SERVER = ['node', 'deno', 'bun'];
const EVERYWHERE = [...SERVER, 'workerd', 'chromium'];

export const SUBPATHS = [
  { subpath: '.', runtimes: EVERYWHERE, exports: ['Macaroon', 'Verifier', 'ready', 'MacaroonError'] },
  {
    subpath: './gateway',
    runtimes: EVERYWHERE,
    exports: ['Gateway', 'BatchVerifier', 'KeyStore', 'withMacaroonAuth'],
  },
  {
    subpath: './bakery',
    runtimes: EVERYWHERE,
    exports: [
      'BakeryMacaroon',
      'KeyPair',
      'ThirdPartyStore',
      'discharge',
      'dischargeAll',
      'decodeCaveat',
      'checkers',
    ],
  },
  {
    subpath: './discharger',
    runtimes: EVERYWHERE,
    exports: [
      'createDischarger',
      'withDischargeRequired',
      'dischargeRequiredResponse',
      'DischargeRefusedError',
      'withCors',
    ],
  },
  {
    subpath: './client',
    runtimes: EVERYWHERE,
    exports: [
      'BakeryClient',
      'DischargeError',
      'InteractionRequiredError',
      'MemoryMacaroonStore',
      'BrowserCookieStore',
      'macaroonCookie',
    ],
  },
  { subpath: './hono', runtimes: EVERYWHERE, peers: ['hono'], exports: ['honoMacaroonAuth'] },
  { subpath: './express', runtimes: SERVER, peers: ['express'], exports: ['macaroonAuth'] },
  { subpath: './fastify', runtimes: SERVER, peers: ['fastify'], exports: ['macaroonPlugin', 'default'] },
  {
    subpath: './node',
    runtimes: SERVER,
    exports: ['withMacaroonAuthNode', 'macaroonMiddleware', 'VerifierPool', 'fetchListener'],
  },
  {
    subpath: './fly',
    runtimes: EVERYWHERE,
    exports: ['FlyMacaroon', 'parseFlyHeader', 'verifyFly', 'FlyCaveatRegistry'],
  },
  { subpath: './wasm', runtimes: EVERYWHERE, exports: ['initWasm'] },
  {
    subpath: './store',
    runtimes: EVERYWHERE,
    exports: [
      'RootKeyStore',
      'MemoryBacking',
      'openMemoryStore',
      'StoreUnavailableError',
      'DEFAULT_ROTATION_POLICY',
    ],
  },
  { subpath: './store/file', runtimes: ['node'], exports: ['FileBacking'] },
  { subpath: './store/open', runtimes: ['node'], exports: ['openStore', 'openBacking'] },
  {
    subpath: './store/redis',
    runtimes: ['node'],
    peers: ['redis'],
    exports: ['RedisBacking', 'openRedisStore'],
  },
  {
    subpath: './store/postgres',
    runtimes: ['node'],
    peers: ['pg'],
    exports: ['PostgresBacking', 'openPostgresStore'],
  },
];

/** Subpaths of `exports` that are not modules to import. */
export const NOT_MODULES = ['./package.json', './wasm/*.wasm'];

/** The import specifier of a subpath: '.' is the package itself. */
export function specifier(subpath) {
  return subpath === '.' ? 'macaroon-engine' : `macaroon-engine${subpath.slice(1)}`;
}

/** The subpaths that apply to `runtime`: those needing no peer (phase 'bare'), or all ('peers'). */
export function subpathsFor(runtime, phase = 'peers') {
  return SUBPATHS.filter(
    (s) => s.runtimes.includes(runtime) && (phase === 'peers' || (s.peers ?? []).length === 0),
  );
}

/** Failures (strings) of an imported module against its line in SUBPATHS. */
export function exportProblems(entry, module) {
  const missing = entry.exports.filter((name) => module?.[name] === undefined);
  return missing.length === 0 ? [] : [`${specifier(entry.subpath)} does not export ${missing.join(', ')}`];
}
