/**
 * `macaroon-engine/wasm`: installs the WASM engine from a `WebAssembly.Module` the application obtained
 * itself, for runtimes the package's conditions do not cover (an edge runtime that imports `.wasm` its
 * own way) or to choose a build. The modules ship as `macaroon-engine/wasm/macaroon-simd.wasm` and
 * `macaroon-engine/wasm/macaroon-scalar.wasm`. The engine installed last is the one 'auto' and 'wasm' use.
 */
export { initWasm } from '../engine/wasm-init.js';
