/**
 * `macaroon-engine/discharger`: a macaroon-bakery third party over HTTP (httpbakery's discharge
 * protocol) as a Web `fetch` handler, and the discharge-required answer of a service. Runs wherever
 * `Request`/`Response` exist; on node:http use `fetchListener` from `macaroon-engine/node`.
 */

export { type CorsOptions, type WebHandler, withCors } from '../httpbakery/cors.js';
export {
  BAKERY_PROTOCOL_HEADER,
  decodeMacaroonSlice,
  encodeMacaroonSlice,
  type HttpBakeryErrorBody,
  type HttpBakeryErrorInfo,
  requestVersion,
} from '../httpbakery/protocol.js';
export {
  type CheckDetails,
  createDischarger,
  type DischargeCheck,
  type Discharger,
  type DischargerOptions,
  type DischargeToken,
} from './discharger.js';
export { DischargeRefusedError, type InteractionInfo, InteractionRequiredError } from './errors.js';
export {
  type DischargeRequiredOptions,
  type DischargeRequiredParams,
  dischargeRequiredResponse,
  withDischargeRequired,
} from './required.js';
