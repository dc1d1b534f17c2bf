/** Where `npm run playground:build` writes the static site: build/playground. */
export declare const DEFAULT_OUTDIR: string;
/** Bundles the page into `outdir` (emptied first); resolves with the paths of the files written. */
export declare function buildPlayground(outdir?: string, options?: { minify?: boolean }): Promise<string[]>;
