/**
 * The embedded backing: keys and revocations in this process's memory. One node, no server; pair it
 * with `macaroon-engine/store/file` to keep keys across restarts.
 */
import type { BackingEvents, Revocation, RootKeyBacking, RootKeyRecord } from './types.js';

/**
 * Keys and revocations in memory (a `RootKeyBacking` for `RootKeyStore.open`).
 *
 * @example
 * ```ts
 * const store = await RootKeyStore.open(new MemoryBacking(), { policy: { expiryMs: 86_400_000 } });
 * const { identifier, key } = await store.newIdentifier();
 * Macaroon.create('https://api.example/', key, identifier);
 * ```
 */
export class MemoryBacking implements RootKeyBacking {
  /** The root keys, by key id. */
  protected readonly keys = new Map<string, RootKeyRecord>();
  /** The revocations, by what they revoke. */
  protected readonly revocations = new Map<string, Revocation>();

  /** The key with this id, or undefined when there is none. */
  getKey(id: string): Promise<RootKeyRecord | undefined> {
    return Promise.resolve(this.keys.get(id));
  }

  findLatestKey(
    createdAfter: number,
    expiresAfter: number,
    expiresBefore: number,
  ): Promise<RootKeyRecord | undefined> {
    let best: RootKeyRecord | undefined;
    for (const k of this.keys.values()) {
      if (k.created >= createdAfter && k.expires >= expiresAfter && k.expires <= expiresBefore) {
        if (!best || k.created > best.created) best = k;
      }
    }
    return Promise.resolve(best);
  }

  /** Stores a new key. */
  async insertKey(key: RootKeyRecord): Promise<void> {
    // As bakery's postgres trigger: inserting a key deletes the expired ones.
    const now = Date.now();
    for (const [id, k] of this.keys) if (k.expires < now) this.keys.delete(id);
    this.keys.set(key.id, key);
    await this.persist();
  }

  async deleteKey(id: string): Promise<void> {
    this.keys.delete(id);
    await this.persist();
  }

  async addRevocation(revocation: Revocation): Promise<void> {
    const name = `${revocation.kind}:${revocation.value}`;
    const known = this.revocations.get(name);
    if (!known || known.expires < revocation.expires) this.revocations.set(name, revocation);
    await this.persist();
  }

  loadRevocations(now: number): Promise<Revocation[]> {
    for (const [name, r] of this.revocations) if (now > r.expires) this.revocations.delete(name);
    return Promise.resolve([...this.revocations.values()]);
  }

  subscribe(_events: BackingEvents): Promise<void> {
    return Promise.resolve(); // one process: nobody else publishes
  }

  /** Releases connections; the backing is not used after. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Called after every change; the file backing writes its file here. */
  protected persist(): Promise<void> {
    return Promise.resolve();
  }
}
