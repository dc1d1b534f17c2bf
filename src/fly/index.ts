/**
 * Fly.io-format macaroons (github.com/superfly/macaroon): read, inspect, attenuate, discharge and verify
 * the tokens of Fly's design. Not interchangeable with libmacaroons tokens (see README "Fly.io tokens").
 */
export type {
  CheckedAccess,
  FlyAccess,
  FlyDenial,
  FlyDenialKind,
  FlyDischargeRequest,
} from './access.js';
export { formatAction, parseAction } from './action.js';
export { FlyCaveatRegistry } from './caveats/registry.js';
export { CaveatIds } from './caveats/standard.js';
export type { CaveatSetCodec, FlyCaveat, FlyCaveatEntry, FlyCaveatType } from './caveats/types.js';
export {
  type DischargeHandlerOptions,
  type FetchDischargesOptions,
  FLY_DISCHARGE_PATH,
  FlyDischargeError,
  fetchFlyDischarges,
  flyDischargeHandler,
} from './discharge-protocol.js';
export { type FlyFailureReason, FlyNotAuthorizedError } from './errors.js';
export {
  type FlyDecision,
  type FlyDenialReason,
  FlyGateway,
  type FlyGatewayOptions,
  type FlyHeaderLookup,
  flyDenial,
  withFlyAuth,
} from './gateway.js';
export { type FlyCaveatInput, type FlyDecodeOptions, FlyMacaroon, type FlyNonce } from './macaroon.js';
export { MsgpackReader, type MsgpackValue, MsgpackWriter, type ReadBounds } from './msgpack.js';
export { encodeFlyToken, looksLikeFly } from './text.js';
export {
  FLY_PERMISSION_LOCATION,
  type FlyBatchOptions,
  type FlyBatchRequest,
  type FlyStage,
  type FlyTrustedThirdParties,
  type FlyVerifyOptions,
  type FlyVerifyResult,
  parseFlyHeader,
  toFlyHeader,
  validateFlyCaveats,
  validateTicketCaveats,
  verifyFly,
  verifyFlyBatch,
  verifyFlySignature,
} from './verify.js';
