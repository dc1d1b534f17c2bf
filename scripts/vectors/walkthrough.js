/**
 * vectors/walkthrough.json: the published chains listed in docs/peers.md#published-examples (the libmacaroons
 * README and unit tests, the zero-nonce third-party example, the pymacaroons and go/js test values), as
 * data. Every signature and token is recomputed by the peers here (pymacaroons can force a zero nonce;
 * libmacaroons and go-macaroon confirm what they can) and must equal the published constant.
 */

const text = (s) => ({ text: s });
const first = (p) => ({ predicate: text(p) });
const ZERO_NONCE = '00'.repeat(24);

const README_KEY = 'this is our super secret key; only we should know it';
const CAVEAT_KEY = '4; guaranteed random by a fair toss of the dice';
const CAVEAT_ID = 'this was how we remind auth of key/pred';
const THIRD_PARTY = {
  location: 'http://auth.mybank/',
  key: text(CAVEAT_KEY),
  id: text(CAVEAT_ID),
  nonce: ZERO_NONCE,
};

/** The published chains. `published` lists the constants of §6 that the peers must reproduce. */
const CHAINS = [
  {
    name: 'libmacaroons README',
    location: 'http://mybank/',
    rootKey: text(README_KEY),
    identifier: text('we used our secret key'),
    caveats: [
      first('account = 3735928559'),
      first('time < 2020-01-01T00:00'),
      first('email = alice@example.org'),
    ],
    published: {
      derivedKey: 'a96173391e6bfa0356bbf095621b8af1510968e770e4d27d62109b7dc374814b',
      signatures: [
        'e3d9e02908526c4c0039ae15114115d97fdd68bf2ba379b342aaf0f617d0552f',
        '1efe4763f290dbce0c1d08477367e11f4eee456a64933cf662d79772dbb82128',
        'b5f06c8c8ef92f6c82c6ff282cd1f8bd1849301d09a2db634ba182536a611c49',
        'ddf553e46083e55b8d71ab822be3d8fcf21d6bf19c40d617bb9fb438934474b6',
      ],
      tokens: [
        {
          caveats: 0,
          format: 'v1',
          token:
            'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAyZnNpZ25hdHVyZSDj2eApCFJsTAA5rhURQRXZf91ovyujebNCqvD2F9BVLwo',
        },
        {
          caveats: 3,
          format: 'v1',
          token:
            'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDIwY2lkIHRpbWUgPCAyMDIwLTAxLTAxVDAwOjAwCjAwMjJjaWQgZW1haWwgPSBhbGljZUBleGFtcGxlLm9yZwowMDJmc2lnbmF0dXJlIN31U-Rgg-VbjXGrgivj2PzyHWvxnEDWF7uftDiTRHS2Cg',
        },
      ],
    },
  },
  {
    name: 'libmacaroons test/unit',
    location: 'http://example.org/',
    rootKey: text('this is the key'),
    identifier: text('keyid'),
    caveats: [first('account = 3735928559'), first('user = alice')],
    published: {
      derivedKey: '8077ec6552874dd30c53585558bebb1c8e2a844cd9f8950700c144e840e2ff51',
      signatures: [
        '7cdee792511c5bc6f528485805dfe9b24e785e28e2a99301f9d711c609e38ef7',
        'f54807f6dc6edf88bf0f7306b3822562a362533dbf7339ba61765da4bd259d87',
        '4be967cd1ea0c6b26baf6a4a94ee9b05b15886da0ba85e8c42a93c8d0e125efc',
      ],
      tokens: [
        {
          caveats: 0,
          format: 'v2',
          token: 'AgETaHR0cDovL2V4YW1wbGUub3JnLwIFa2V5aWQAAAYgfN7nklEcW8b1KEhYBd_psk54XijiqZMB-dcRxgnjjvc',
        },
        {
          caveats: 2,
          format: 'v2',
          token:
            'AgETaHR0cDovL2V4YW1wbGUub3JnLwIFa2V5aWQAAhRhY2NvdW50ID0gMzczNTkyODU1OQACDHVzZXIgPSBhbGljZQAABiBL6WfNHqDGsmuvakqU7psFsViG2guoXoxCqTyNDhJe_A',
        },
      ],
    },
  },
  {
    name: 'libmacaroons README third party (zero nonce)',
    location: 'http://mybank/',
    rootKey: text('this is a different super-secret key; never use the same secret twice'),
    identifier: text('we used our other secret key'),
    caveats: [first('account = 3735928559'), THIRD_PARTY],
    discharge: {
      location: 'http://auth.mybank/',
      key: text(CAVEAT_KEY),
      id: text(CAVEAT_ID),
      caveats: [first('time < 2020-01-01T00:00')],
    },
    published: {
      signatures: [
        undefined,
        '1434e674ad84fdfdc9bc1aa00785325c8b6d57341fc7ce200ba4680c80786dda',
        'd27db2fd1f22760e4c3dae8137e2d8fc1df6c0741c18aed4b97256bf78d1f55c',
      ],
      tokens: [
        {
          caveats: 2,
          format: 'v1',
          token:
            'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMmNpZGVudGlmaWVyIHdlIHVzZWQgb3VyIG90aGVyIHNlY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDMwY2lkIHRoaXMgd2FzIGhvdyB3ZSByZW1pbmQgYXV0aCBvZiBrZXkvcHJlZAowMDUxdmlkIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAANNuxQLgWIbR8CefBV-lJVTRbRbBsUB0u7g_8P3XncL-CY8O1KKwkRMOa120aiCoawowMDFiY2wgaHR0cDovL2F1dGgubXliYW5rLwowMDJmc2lnbmF0dXJlINJ9sv0fInYOTD2ugTfi2Pwd9sB0HBiu1LlyVr940fVcCg',
        },
        {
          caveats: 2,
          format: 'v2',
          token:
            'AgEOaHR0cDovL215YmFuay8CHHdlIHVzZWQgb3VyIG90aGVyIHNlY3JldCBrZXkAAhRhY2NvdW50ID0gMzczNTkyODU1OQABE2h0dHA6Ly9hdXRoLm15YmFuay8CJ3RoaXMgd2FzIGhvdyB3ZSByZW1pbmQgYXV0aCBvZiBrZXkvcHJlZARIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA027FAuBYhtHwJ58FX6UlVNFtFsGxQHS7uD_w_dedwv4Jjw7UorCREw5rXbRqIKhrAAAGINJ9sv0fInYOTD2ugTfi2Pwd9sB0HBiu1LlyVr940fVc',
        },
      ],
      discharge: {
        signature: '2ed1049876e9d5840950274b579b0770317df54d338d9d3039c7c67d0d91d63c',
        boundSignature: 'd115ef1c133b1126978d5ab27f69d99ba9d0468cd6c1b7e47b8c1c59019cb019',
        boundToken: {
          format: 'v1',
          token:
            'MDAyMWxvY2F0aW9uIGh0dHA6Ly9hdXRoLm15YmFuay8KMDAzN2lkZW50aWZpZXIgdGhpcyB3YXMgaG93IHdlIHJlbWluZCBhdXRoIG9mIGtleS9wcmVkCjAwMjBjaWQgdGltZSA8IDIwMjAtMDEtMDFUMDA6MDAKMDAyZnNpZ25hdHVyZSDRFe8cEzsRJpeNWrJ_admbqdBGjNbBt-R7jBxZAZywGQo',
        },
      },
    },
  },
  {
    name: 'pymacaroons tests',
    location: 'http://mybank/',
    rootKey: text(README_KEY),
    identifier: text('we used our secret key'),
    caveats: [first('test = caveat'), THIRD_PARTY],
    published: {
      signatures: [
        'e3d9e02908526c4c0039ae15114115d97fdd68bf2ba379b342aaf0f617d0552f',
        '197bac7a044af33332865b9266e26d493bdd668a660e44d88ce1a998c23dbd67',
        '7a9289bfbb92d725f748bbcb4f3e04e56b7021513ebeed8411bfba10a16a662e',
      ],
      tokens: [],
    },
  },
  {
    name: 'go-macaroon and js-macaroon tests',
    location: '',
    rootKey: text('secret'),
    identifier: text('some id'),
    caveats: [first('a caveat'), first('another caveat')],
    published: {
      signatures: [
        'd916ce6f9b62dc4a080ce5d4a660956471f19b860da4242b0852727331c1033d',
        undefined,
        'c934e6af642ee55a4e4cfc56e07706cf1c6c94dc2192e5582943cddd88dc99d8',
      ],
      tokens: [],
    },
  },
  {
    name: 'empty location (go-macaroon V2)',
    location: '',
    rootKey: text('k'),
    identifier: text('id'),
    caveats: [],
    published: {
      signatures: ['f00da44ec7d4c6eab3e0d61373ab9d7a91ca943bacc203f375c4b20d05248822'],
      // §6E gives go's bytes in hex: 020202696400000620 followed by the signature.
      tokens: [
        {
          caveats: 0,
          format: 'v2',
          token: Buffer.from(
            '020202696400000620f00da44ec7d4c6eab3e0d61373ab9d7a91ca943bacc203f375c4b20d05248822',
            'hex',
          ).toString('base64url'),
          writer: 'go-macaroon',
        },
      ],
    },
  },
];

/** The README's "tampered" token: standard alphabet, wrapped lines, padding. It must decode and fail. */
const README_TAMPERED =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNl\nY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDIwY2lkIHRpbWUgPCAyMDIw\nLTAxLTAxVDAwOjAwCjAwMjJjaWQgZW1haWwgPSBhbGljZUBleGFtcGxlLm9yZwowMDJmc2lnbmF0\ndXJlID8f19FL+bkC9p/aoMmIecC7GxdOcLVyUnrv6lJMM7NSCg==\n';

function peerSpec(chain, n) {
  return {
    location: chain.location,
    key: chain.rootKey,
    id: chain.identifier,
    caveats: chain.caveats.slice(0, n),
  };
}

function mintSteps(peer, chain, version, formats, withDischarge) {
  const plans = [];
  for (let n = 0; n <= chain.caveats.length; n++) {
    plans.push({
      name: `${chain.name}#${n}`,
      version,
      zeroNonce: true,
      root: peerSpec(chain, n),
      discharges:
        withDischarge && n === chain.caveats.length
          ? [chain.discharge, { ...chain.discharge, bind: false }]
          : [],
      formats,
    });
  }
  const results = peer.run({ op: 'mint', plans }).results;
  for (const r of results)
    if (r.error) throw new Error(`${peer.name} could not mint ${chain.name}: ${r.error}`);
  return results;
}

function same(what, actual, published) {
  if (published !== undefined && actual !== published) {
    throw new Error(`walkthrough: ${what}: the peer gives ${actual}, the published value is ${published}`);
  }
  return actual;
}

function hasThirdParty(chain) {
  return chain.caveats.some((c) => !c.predicate);
}

/** One chain, recomputed by pymacaroons (zero nonce) and confirmed by the other peers where they can. */
function buildChain(chain, peers) {
  const py = peers.pymacaroons;
  const confirmedBy = new Set([py.name]);
  const v1 = mintSteps(py, chain, 1, ['v1'], Boolean(chain.discharge));
  const v2 = mintSteps(py, chain, 2, ['v2'], false);
  const signatures = v2.map((r, n) =>
    same(`${chain.name} signature ${n}`, r.signature, chain.published.signatures[n]),
  );
  v1.forEach((r, n) => {
    same(`${chain.name} V1 signature ${n}`, r.signature, signatures[n]);
  });
  const tokens = chain.published.tokens.map((t) => {
    if (t.writer === 'go-macaroon') {
      const go = peers['go-macaroon'];
      if (!go) return t;
      const r = mintSteps(go, { ...chain, caveats: chain.caveats.slice(0, t.caveats) }, 2, ['v2'], false).at(
        -1,
      );
      confirmedBy.add(go.name);
      return { ...t, token: same(`${chain.name} go V2`, r.outputs.v2.root, t.token) };
    }
    const r = (t.format === 'v1' ? v1 : v2)[t.caveats];
    same(`${chain.name} ${t.format} token after ${t.caveats} caveats`, r.outputs[t.format].root, t.token);
    return t;
  });
  const lm = peers.libmacaroons;
  if (lm && !hasThirdParty(chain)) {
    for (const t of tokens.filter((x) => x.format === 'v1')) {
      const r = mintSteps(lm, { ...chain, caveats: chain.caveats.slice(0, t.caveats) }, 1, ['v1'], false).at(
        -1,
      );
      same(`${chain.name} libmacaroons V1`, r.outputs.v1.root, t.token);
      confirmedBy.add(lm.name);
    }
  }
  const out = {
    name: chain.name,
    location: chain.location,
    rootKey: chain.rootKey,
    identifier: chain.identifier,
    caveats: chain.caveats,
    signatures,
    tokens: tokens.map(({ writer, ...t }) => t),
  };
  if (chain.published.derivedKey) out.derivedKey = chain.published.derivedKey;
  if (chain.discharge) {
    const last = v1.at(-1);
    const p = chain.published.discharge;
    out.discharge = {
      ...chain.discharge,
      signature: same(`${chain.name} discharge`, last.dischargeSignatures[1], p.signature),
      boundSignature: same(`${chain.name} bound discharge`, last.dischargeSignatures[0], p.boundSignature),
      boundToken: {
        format: 'v1',
        token: same(`${chain.name} bound discharge V1`, last.outputs.v1.discharges[0], p.boundToken.token),
      },
    };
  }
  return { chain: out, confirmedBy };
}

function verdictCases(peers, chains) {
  const third = chains.find((c) => c.discharge);
  const cases = [
    {
      name: 'walkthrough/readme-tampered',
      description:
        'the libmacaroons README tampered token (standard base64, wrapped, padded): decodes, fails',
      format: 'v1',
      root: README_TAMPERED,
      discharges: [],
      rootKey: text(README_KEY),
      exact: [text('account = 3735928559'), text('email = alice@example.org')],
      general: [{ kind: 'prefix', value: 'time < ' }],
      allowUnusedDischarges: true,
      sameBytes: false,
    },
    {
      name: 'walkthrough/third-party-zero-nonce',
      description: 'the README third-party example with its bound discharge',
      format: 'v1',
      root: third.tokens.find((t) => t.format === 'v1').token,
      discharges: [third.discharge.boundToken.token],
      rootKey: third.rootKey,
      exact: [text('account = 3735928559')],
      general: [{ kind: 'prefix', value: 'time < ' }],
      allowUnusedDischarges: true,
      sameBytes: true,
    },
  ];
  const judges = [peers.libmacaroons, peers.pymacaroons].filter(Boolean);
  const verdicts = judges.map((peer) => peer.run({ op: 'verify', cases }).results);
  return cases.map((c, i) => {
    const [first, ...others] = verdicts.map((v) => v[i]);
    for (const o of others) {
      if (o.verdict !== first.verdict) throw new Error(`walkthrough: the peers disagree on ${c.name}`);
    }
    return {
      ...c,
      expect: { verdict: first.verdict, signature: first.signature, signatures: first.signatures },
      judgedBy: judges.map((j) => j.name),
    };
  });
}

/** The walkthrough file, or undefined (with the reason) when pymacaroons is not available. */
export function buildWalkthrough(peers) {
  if (!peers.pymacaroons) return { missing: 'pymacaroons (it is the one peer that can force a zero nonce)' };
  const confirmedBy = new Set();
  const chains = CHAINS.map((c) => {
    const built = buildChain(c, peers);
    for (const p of built.confirmedBy) confirmedBy.add(p);
    return built.chain;
  });
  const cases = verdictCases(peers, chains);
  for (const c of cases) for (const j of c.judgedBy) confirmedBy.add(j);
  return {
    source:
      'published examples: libmacaroons README and test/unit, pymacaroons, go-macaroon and js-macaroon tests (docs/peers.md)',
    generatedBy: 'npm run vectors (scripts/vectors/walkthrough.js)',
    confirmedBy: [...confirmedBy].map((name) => peers[name].version),
    zeroNonce: ZERO_NONCE,
    chains,
    cases,
  };
}
