/**
 * macaroon-engine/store/file (Node): the embedded backing, persisted to one JSON file (mode 0600,
 * replaced atomically on every change), so a single node keeps its keys and revocations across
 * restarts without a server.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { bytesToHex, hexToBytes } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { MemoryBacking } from '../store/memory.js';
import type { Revocation, RootKeyRecord } from '../store/types.js';

interface FileContents {
  readonly version: 1;
  readonly keys: { id: string; key: string; created: number; expires: number }[];
  readonly revocations: Revocation[];
}

/**
 * Keys and revocations in memory, written to `path` after each change.
 *
 * @example
 * ```ts
 * import { RootKeyStore } from 'macaroon-engine/store';
 * import { FileBacking } from 'macaroon-engine/store/file';
 *
 * const store = await RootKeyStore.open(await FileBacking.open('keys.json'), { policy: { expiryMs: 86_400_000 } });
 * ```
 */
export class FileBacking extends MemoryBacking {
  readonly #path: string;
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string) {
    super();
    this.#path = path;
  }

  /**
   * Opens (or starts) the file at `path`.
   *
   * @example
   * ```ts
   * import { RootKeyStore } from 'macaroon-engine/store';
   * import { FileBacking } from 'macaroon-engine/store/file';
   * const store = await RootKeyStore.open(await FileBacking.open('keys.json'), { policy: { expiryMs: 86_400_000 } });
   * ```
   */
  static async open(path: string): Promise<FileBacking> {
    if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('path must be a file path');
    const backing = new FileBacking(path);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    if (text !== undefined) backing.#load(text);
    return backing;
  }

  #load(text: string): void {
    const data = JSON.parse(text) as FileContents;
    if (data?.version !== 1 || !Array.isArray(data.keys) || !Array.isArray(data.revocations)) {
      throw new InvalidArgumentError(`${this.#path} is not a root-key store file`);
    }
    for (const k of data.keys) {
      const key = hexToBytes(k.key);
      if (!key) throw new InvalidArgumentError(`${this.#path}: a key is not hex`);
      this.keys.set(k.id, Object.freeze({ id: k.id, key, created: k.created, expires: k.expires }));
    }
    for (const r of data.revocations) this.revocations.set(`${r.kind}:${r.value}`, r);
  }

  protected override persist(): Promise<void> {
    const contents: FileContents = {
      version: 1,
      keys: [...this.keys.values()].map((k: RootKeyRecord) => ({
        id: k.id,
        key: bytesToHex(k.key),
        created: k.created,
        expires: k.expires,
      })),
      revocations: [...this.revocations.values()],
    };
    const text = `${JSON.stringify(contents)}\n`;
    // Writes run one after another; each replaces the file whole (write a temporary file, then rename).
    const write = this.#writing.then(async () => {
      const tmp = `${this.#path}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, this.#path);
    });
    this.#writing = write.catch(() => {}); // a failed write fails its caller; the next one still runs
    return write;
  }
}
