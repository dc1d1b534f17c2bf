/** macaroon-engine/node: node:http adapters and the worker-thread verifier pool (Node only). */

export { type FetchListenerOptions, fetchListener } from './fetch-listener.js';
export {
  type AuthorizedRequest,
  macaroonMiddleware,
  type NodeAuthOptions,
  nodeHeaders,
  sendDenial,
  withMacaroonAuthNode,
} from './http.js';
export { VerifierPool, type VerifierPoolOptions } from './pool.js';
