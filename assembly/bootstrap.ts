// A module of a few hundred bytes that only decodes base64 (./base64.ts, the scalar loop): ready() uses
// it to turn the engine build embedded as base64 (src/engine/wasm-bytes.ts) into bytes. A cold TS decoder
// spends milliseconds on the tens of kilobytes of a build before V8 has compiled it; this takes a tenth
// of that, and the TS decoder remains the fallback (src/engine/wasm-modules.ts).
export { decodeBase64InPlace } from './base64';

/** Where the module's static data ends: the text to decode is written from here (16-byte aligned). */
export function heapBase(): u32 {
  return u32(__heap_base);
}
