// The WASM engine's memory layout: the one definition, imported by the TS writer and reader
// (./wasm.ts, ./wasm-v2.ts) and by the AssemblyScript engine (assembly/chain.ts, assembly/lanes.ts).
// Written in the subset both compilers read alike (constants only); every table is u32 words, and
// byte fields follow the tables, root keys first so they can be wiped as one range.
//
//   job:      keyOff, keyLen, macCount, macTable (byte offset), out (byte offset)
//   macaroon: idOff, idLen, caveatCount, caveatTable (byte offset), sigOff, sigLen
//   caveat:   cidOff, cidLen, vidOff (NO_VID when first-party), vidLen
//   out:      status, macaroon, caveat, visitedCount, visited[macCount]
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
