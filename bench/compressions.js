// How many SHA-256 compressions verifying one request takes, to turn tokens/s into ns per compression.
//
// The count is the minimum an implementation reaches by reusing HMAC pad states where the key repeats
// (docs/cryptography.md#sha-256-compressions): HMAC(k, m) with a fresh 32-byte key costs 2 pad blocks, then
// ceil((|m| + 9) / 64) inner blocks and 1 outer block. The key generator's and the all-zero binding key's
// pad states are constants (0 pad blocks), and hash2 computes its key's pads once for its three HMACs.
// A straightforward implementation does a few more (every HMAC pays its pads): `naive` counts those.

const blocks = (length) => Math.ceil((length + 9) / 64);
/** Inner message blocks plus the one outer block, without the pad blocks. */
const body = (length) => blocks(length) + 1;
const PADS = 2;
const HASH_BYTES = 32;

function hash2(a, b, padsCached) {
  const minimum = (padsCached ? 0 : PADS) + body(a) + body(b) + body(2 * HASH_BYTES);
  const naive = 3 * PADS + body(a) + body(b) + body(2 * HASH_BYTES);
  return { minimum, naive };
}

function chain(m, add) {
  add(PADS + body(m.identifier.length), PADS + body(m.identifier.length));
  for (const c of m.caveats) {
    if (!c.verificationId) add(PADS + body(c.identifier.length), PADS + body(c.identifier.length));
    else {
      const h = hash2(c.verificationId.length, c.identifier.length, false);
      add(h.minimum, h.naive);
    }
  }
}

/**
 * Compressions for a root macaroon (a Macaroon from this library) and its bound discharges, with a root
 * key of `rootKeyLength` bytes. Returns { minimum, naive }.
 */
export function compressionsPerRequest(rootKeyLength, root, discharges) {
  let minimum = 0;
  let naive = 0;
  const add = (min, nai) => {
    minimum += min;
    naive += nai;
  };
  add(body(rootKeyLength), PADS + body(rootKeyLength)); // derive: the generator key's pads are constant
  chain(root, add);
  for (const d of discharges) {
    chain(d, add);
    const bind = hash2(HASH_BYTES, HASH_BYTES, true); // binding: the all-zero key's pads are constant
    add(bind.minimum, bind.naive);
  }
  return { minimum, naive };
}
