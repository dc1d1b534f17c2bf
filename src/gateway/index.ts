/**
 * macaroon-engine/gateway: verify HTTP traffic in micro-batches, in any runtime (no Node APIs here;
 * the Node adapters and the worker pool are in macaroon-engine/node).
 */

export { type VerifiedCaveat, VerifiedToken } from '../cache/verified-token.js';
export {
  type CacheEntry,
  type CacheStats,
  VerifiedTokenCache,
  type VerifiedTokenCacheOptions,
} from '../cache/verified-token-cache.js';
export {
  BatchVerifier,
  type BatchVerifierOptions,
  type BatchVerify,
  type BundleItem,
  type BundleTarget,
  type GatewayItem,
} from './batch-verifier.js';
export {
  type BatchRunner,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_WAIT_MS,
  MicroBatcher,
  type MicroBatcherOptions,
  type Scheduler,
} from './batcher.js';
export type { RevocationCheck } from './cached-verification.js';
export { type ClockContext, timeBefore } from './checks.js';
export {
  DEFAULT_HOOK_TIMEOUT_MS,
  type GatewayHook,
  type TimeoutEvent,
} from './deadline.js';
export { answerDenial, type Denial, type DenialHook, type DenialOptions, describeDenial } from './deny.js';
export { HookTimeoutError, KeyLookupError, RevokedError, UnknownRootKeyError } from './errors.js';
export {
  type Authorized,
  type Decision,
  type DecisionCode,
  type DenialReason,
  failure,
  Gateway,
  type GatewayKeyStore,
  type GatewayOptions,
  type GatewayStats,
} from './gateway.js';
export {
  type AddKeyOptions,
  KeyStore,
  type KeyStoreOptions,
  type RootKey,
  type RootKeyResolver,
  type RootKeySource,
  type RotateOptions,
  resolveRootKey,
  rootKeyFromHex,
  type StoredKey,
} from './keys.js';
export { type DenialResponse, denial, problemDetails } from './response.js';
export {
  DEFAULT_MAX_TOKENS,
  DEFAULT_SCHEMES,
  decodeCandidate,
  type ExtractOptions,
  extractTokens,
  type HeaderLookup,
  type TokenCandidate,
  type TokenSource,
} from './transport.js';
export { type AuthorizedHandler, type RequestFacts, type WebAuthOptions, withMacaroonAuth } from './web.js';
