// Workers runtimes and their bundlers (wrangler, esbuild with a loader) hand a `.wasm` import over as a
// compiled module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
