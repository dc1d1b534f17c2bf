/**
 * Decoding an item's serialized tokens for an engine, with the codec, exactly as Macaroon.deserialize
 * does: the TS engine decodes every token this way, the WASM engine each token its in-place reader
 * declines (another format, or anything the codec must name an error for).
 */
import { decodeAny } from '../codec/detect.js';
import { MacaroonError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { MacaroonData } from '../model.js';
import { type ChainMacaroon, isSerialized, type Token } from './types.js';

/** The token decoded (or as it was, when already decoded); throws the codec's MacaroonError. */
export function decodeToken(token: Token, limits: Limits): ChainMacaroon {
  return isSerialized(token) ? (decodeAny(token, limits) as MacaroonData) : token;
}

/** Every token of an item decoded in order; the first failure's error instead. */
export function decodeTokens(tokens: readonly Token[], limits: Limits): ChainMacaroon[] | MacaroonError {
  const out: ChainMacaroon[] = new Array(tokens.length);
  try {
    for (let i = 0; i < tokens.length; i++) out[i] = decodeToken(tokens[i] as Token, limits);
  } catch (e) {
    return asMacaroonError(e);
  }
  return out;
}

export function asMacaroonError(e: unknown): MacaroonError {
  if (e instanceof MacaroonError) return e;
  return new MacaroonError('unexpected failure while decoding a token', { cause: e });
}
