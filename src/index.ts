export { canonicalTokenKey } from './canonical-key.js';
export { base64Decode, base64StdEncode, base64UrlEncode } from './codec/base64.js';
export type { EngineChoice, EngineName } from './engine/registry.js';
export {
  DecodeError,
  EncodeError,
  EngineError,
  InvalidArgumentError,
  LimitExceededError,
  MacaroonError,
  type MacaroonErrorCode,
  NotAuthorizedError,
  type NotAuthorizedReason,
} from './errors.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export {
  type BundleFormat,
  type Caveat,
  type CreateOptions,
  type DeserializeOptions,
  type Format,
  Macaroon,
  SUGGESTED_SECRET_LENGTH,
} from './macaroon.js';
export { type ReadyInfo, ready } from './ready.js';
export { type ClockContext, timeBefore } from './time-before.js';
export { parseCaveatTime, timeCaveatDeadline } from './time-caveat.js';
export {
  type BatchItem,
  type BatchResult,
  type CaveatToCheck,
  type CompiledCaveats,
  type GeneralCheck,
  type MacaroonInput,
  type SliceChecker,
  Verifier,
  type VerifierOptions,
  type VerifyOptions,
} from './verifier.js';
export { type VerifySignatureOptions, verifySignature } from './verify-signature.js';
