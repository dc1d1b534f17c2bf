// The WASM engine's memory layout: the one definition, imported by the TS writer and reader
// (./wasm.ts, ./wasm-exact.ts) and by the AssemblyScript engine (assembly/chain.ts, lanes.ts, items.ts,
// exact.ts).
// Written in the subset both compilers read alike (constants only); every table is u32 words, and
// byte fields follow the tables, root keys first so they can be wiped as one range.
//
//   job:      keyOff, keyLen, macCount, macTable (byte offset), out (byte offset)
//   macaroon: idOff, idLen, caveatCount, caveatTable (byte offset), sigOff, sigLen
//   caveat:   cidOff, cidLen, vidOff (NO_VID when first-party), vidLen
//   out:      status, macaroon, caveat, visitedCount, visited[macCount], then (when the call matches
//             exact predicates) unmatchedCount, unmatched[caveats of the job] as (macaroon, caveat) pairs
//
// Walk scratch per job: a used flag per macaroon, then (16-byte aligned) a frame per macaroon.

export const JOB_WORDS = 5;
export const JOB_KEY_OFF = 0;
export const JOB_KEY_LEN = 1;
export const JOB_MAC_COUNT = 2;
export const JOB_MAC_TABLE = 3;
export const JOB_OUT = 4;

export const MAC_WORDS = 6;
export const MAC_ID_OFF = 0;
export const MAC_ID_LEN = 1;
export const MAC_CAVEAT_COUNT = 2;
export const MAC_CAVEAT_TABLE = 3;
export const MAC_SIG_OFF = 4;
export const MAC_SIG_LEN = 5;

export const CAVEAT_WORDS = 4;
export const CAVEAT_CID_OFF = 0;
export const CAVEAT_CID_LEN = 1;
export const CAVEAT_VID_OFF = 2;
export const CAVEAT_VID_LEN = 3;
/** vidOff of a first-party caveat. */
export const NO_VID = 0xffffffff;

export const OUT_HEADER_WORDS = 4;
export const OUT_STATUS = 0;
export const OUT_MACAROON = 1;
export const OUT_CAVEAT = 2;
export const OUT_VISITED_COUNT = 3;

/** A walk frame: the macaroon walked, its next caveat, its depth, and (at 16) its running signature. */
export const FRAME_SIZE = 48;
/** Scratch bytes per macaroon of a job: its used flag and its frame. */
export const SCRATCH_PER_MACAROON = 49;

// HMAC chains (assembly/chains.ts, ./wasm-chains.ts): tag[0] = HMAC(key, msg[0]), tag[i] = HMAC(tag[i-1],
// msg[i]). A chain table of CHAIN_WORDS words per chain, each pointing at its messages' (offset, length)
// pairs and at its output: every tag (keep = 1) or the last one only (keep = 0), 32 bytes each.
//
//   chain:   keyOff, keyLen, msgCount, msgTable (byte offset), out (byte offset), keep
//   message: msgOff, msgLen

export const CHAIN_WORDS = 6;
export const CHAIN_KEY_OFF = 0;
export const CHAIN_KEY_LEN = 1;
export const CHAIN_MSG_COUNT = 2;
export const CHAIN_MSG_TABLE = 3;
export const CHAIN_OUT = 4;
export const CHAIN_KEEP = 5;

export const CHAIN_MSG_WORDS = 2;
export const CHAIN_MSG_OFF = 0;
export const CHAIN_MSG_LEN = 1;

/**
 * Serialized items, decoded and parsed by the module (assembly/items.ts): a pack entry per item and a
 * token entry per token. JS writes each token's text (or binary bytes) at its offset, the texts of an
 * item one after another from the item's data offset; the module decodes them back to back from there,
 * writes the macaroon and caveat tables after them and the output after those, and stores where (byte
 * offsets) in the pack entry, or PACK_DECLINED when a token is not a V2 token it takes.
 *
 *   pack:  data, end (of the item's room), tokenCount, tokens (byte offset of its token entries),
 *          macTable, out
 *   token: off, len, binary (1: V2 bytes as they are; 0: base64 text); the module overwrites off and
 *          len with where the decoded token lies
 */
export const PACK_WORDS = 6;
export const PACK_DATA = 0;
export const PACK_END = 1;
export const PACK_TOKEN_COUNT = 2;
export const PACK_TOKENS = 3;
export const PACK_MAC_TABLE = 4;
export const PACK_OUT = 5;
export const PACK_DECLINED = 0xffffffff;

export const TOKEN_WORDS = 3;
export const TOKEN_OFF = 0;
export const TOKEN_LEN = 1;
export const TOKEN_BINARY = 2;

/**
 * Exact predicates, as an open-addressing hash table (assembly/exact.ts, ./wasm-exact.ts): a header
 * word (the slot count, a power of two), then a slot per EXACT_SLOT_WORDS words (the predicate's hash,
 * byte offset and length; offset EXACT_EMPTY when the slot is free), then the predicates' bytes. The
 * hash is FNV-1a over the bytes taken as little-endian 32-bit words (the last bytes one by one),
 * started from the length.
 */
export const EXACT_HEADER_WORDS = 1;
export const EXACT_SLOT_COUNT = 0;
export const EXACT_SLOT_WORDS = 3;
export const EXACT_HASH = 0;
export const EXACT_OFF = 1;
export const EXACT_LEN = 2;
export const EXACT_EMPTY = 0xffffffff;
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** Words of an output after its visited list, for a job with `caveats` caveats: count and pairs. */
export const UNMATCHED_WORDS_PER_CAVEAT = 2;
