/**
 * macaroon-engine/store/redis: root keys and revocations in Redis, through the `redis` client (an
 * optional peer dependency). Every node reads the same keys; a revocation is stored in a hash and
 * published on a channel, so every node hears it at once, and a node that was disconnected reloads the
 * whole hash when it reconnects. Run Redis with persistence (`appendonly yes`) so a restart loses nothing.
 *
 * Layout, under `prefix` (default `macaroon:`):
 * - `<prefix>key:<id>`: JSON `{ key (hex), created, expires }`, expiring (PXAT) with the key;
 * - `<prefix>keys`: sorted set of key ids by creation time (for bakery's FindLatestKey);
 * - `<prefix>revocations`: hash of `<kind>:<value>` to the entry's expiry (ms);
 * - channel `<prefix>revocations`: each new revocation as JSON.
 *
 * Each change is one atomic step on the server: a revocation is stored and published by one script
 * (EVAL), a key written or deleted with its index entry in one MULTI/EXEC, so a client that dies halfway
 * never leaves a revocation stored that no node heard of, or a key the index does not list.
 */
import { createClient } from 'redis';
import { bytesToHex, hexToBytes } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { StoreUnavailableError } from './errors.js';
import { RootKeyStore, type RootKeyStoreOptions } from './root-key-store.js';
import type { BackingEvents, Revocation, RootKeyBacking, RootKeyRecord } from './types.js';

/** The part of node-redis's client used here (its full generic type is not needed). */
interface RedisClient {
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
  duplicate(): RedisClient;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  get(key: string): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  multi(): RedisTransaction;
  zRem(key: string, member: string): Promise<unknown>;
  hGetAll(key: string): Promise<unknown>;
  hDel(key: string, fields: string[]): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
}

/** node-redis's MULTI: commands queued, then run together by exec. */
interface RedisTransaction {
  addCommand(args: string[]): RedisTransaction;
  exec(): Promise<unknown>;
}

/**
 * Stores a revocation (keeping the later expiry if it is known already) and publishes it, in one step.
 * KEYS[1]: the revocation hash; ARGV: field, expiry (ms), channel, message. Scripts run atomically: no
 * other command, and no failure of the caller's connection, comes between the two.
 */
const ADD_REVOCATION = `local known = redis.call('HGET', KEYS[1], ARGV[1])
if not known or tonumber(known) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return redis.call('PUBLISH', ARGV[3], ARGV[4])`;

/**
 * Options of `RedisBacking.connect`: the server URL, the key prefix and the connection deadline.
 *
 * @example
 * ```ts
 * import { RedisBacking, type RedisBackingOptions } from 'macaroon-engine/store/redis';
 *
 * const options: RedisBackingOptions = { url: 'rediss://cache.internal:6380', prefix: 'api:' };
 * await RedisBacking.connect(options);
 * ```
 */
export interface RedisBackingOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  /** Prefix of every key and channel (default `macaroon:`). */
  readonly prefix?: string | undefined;
  /** Longest wait for the first connection, in milliseconds (default 5000). */
  readonly connectTimeoutMs?: number | undefined;
}

function parseRevocation(name: string, expires: unknown): Revocation | undefined {
  const colon = name.indexOf(':');
  const kind = name.slice(0, colon);
  const value = name.slice(colon + 1);
  const at = Number(expires);
  if ((kind !== 'identifier' && kind !== 'key') || value === '' || !Number.isFinite(at)) return undefined;
  return { kind, value, expires: at };
}

/**
 * Keys and revocations in Redis (a `RootKeyBacking` for `RootKeyStore.open`).
 *
 * @example
 * ```ts
 * import { RootKeyStore } from 'macaroon-engine/store';
 * import { RedisBacking } from 'macaroon-engine/store/redis';
 *
 * const backing = await RedisBacking.connect({ url: 'redis://localhost:6379' });
 * const store = await RootKeyStore.open(backing, { policy: { expiryMs: 86_400_000 } });
 * ```
 */
export class RedisBacking implements RootKeyBacking {
  readonly #client: RedisClient;
  readonly #subscriber: RedisClient;
  readonly #prefix: string;
  #subscribed = false;

  private constructor(client: RedisClient, subscriber: RedisClient, prefix: string) {
    this.#client = client;
    this.#subscriber = subscriber;
    this.#prefix = prefix;
  }

  /**
   * Connects two clients (commands, and the revocation channel), which reconnect by themselves.
   *
   * @example
   * ```ts
   * import { RootKeyStore } from 'macaroon-engine/store';
   * import { RedisBacking } from 'macaroon-engine/store/redis';
   * const store = await RootKeyStore.open(await RedisBacking.connect({ url: 'redis://127.0.0.1:6379' }), {
   *   policy: { generateIntervalMs: 86_400_000, expiryMs: 7 * 86_400_000 },
   * });
   * ```
   */
  static async connect(options: RedisBackingOptions): Promise<RedisBacking> {
    if (typeof options?.url !== 'string')
      throw new InvalidArgumentError('options.url must be a redis:// URL');
    const client = (createClient as (options: unknown) => RedisClient)({
      url: options.url,
      // Fail at once while disconnected (the store answers 503) instead of queueing requests.
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000) },
    });
    const subscriber = client.duplicate();
    for (const c of [client, subscriber]) c.on('error', () => {}); // reconnecting is the client's job
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    try {
      await withTimeout(Promise.all([client.connect(), subscriber.connect()]), timeoutMs);
    } catch (e) {
      await Promise.allSettled([client.destroy(), subscriber.destroy()].map((p) => Promise.resolve(p)));
      throw new StoreUnavailableError('cannot connect to Redis', { cause: e });
    }
    return new RedisBacking(client, subscriber, options.prefix ?? 'macaroon:');
  }

  /** The key with this id, or undefined when there is none. */
  async getKey(id: string): Promise<RootKeyRecord | undefined> {
    const text = await this.#client.get(`${this.#prefix}key:${id}`);
    return text == null ? undefined : this.#parseKey(id, String(text));
  }

  async findLatestKey(
    createdAfter: number,
    expiresAfter: number,
    expiresBefore: number,
  ): Promise<RootKeyRecord | undefined> {
    const ids = (await this.#client.sendCommand([
      'ZRANGE',
      `${this.#prefix}keys`,
      '+inf',
      String(createdAfter),
      'BYSCORE',
      'REV',
    ])) as string[];
    for (const id of ids) {
      const k = await this.getKey(String(id));
      if (!k) {
        await this.#client.zRem(`${this.#prefix}keys`, String(id)); // expired: Redis dropped it
        continue;
      }
      if (k.created >= createdAfter && k.expires >= expiresAfter && k.expires <= expiresBefore) return k;
    }
    return undefined;
  }

  /** Stores a new key. */
  async insertKey(key: RootKeyRecord): Promise<void> {
    const value = JSON.stringify({ key: bytesToHex(key.key), created: key.created, expires: key.expires });
    await this.#client
      .multi()
      .addCommand(['SET', `${this.#prefix}key:${key.id}`, value, 'PXAT', String(Math.ceil(key.expires) + 1)])
      .addCommand(['ZADD', `${this.#prefix}keys`, String(key.created), key.id])
      .exec();
  }

  async deleteKey(id: string): Promise<void> {
    await this.#client
      .multi()
      .addCommand(['DEL', `${this.#prefix}key:${id}`])
      .addCommand(['ZREM', `${this.#prefix}keys`, id])
      .exec();
  }

  async addRevocation(revocation: Revocation): Promise<void> {
    const hash = `${this.#prefix}revocations`;
    await this.#client.sendCommand([
      'EVAL',
      ADD_REVOCATION,
      '1',
      hash,
      `${revocation.kind}:${revocation.value}`,
      String(revocation.expires),
      hash,
      JSON.stringify(revocation),
    ]);
  }

  async loadRevocations(now: number): Promise<Revocation[]> {
    const all = (await this.#client.hGetAll(`${this.#prefix}revocations`)) as Record<string, string>;
    const out: Revocation[] = [];
    const expired: string[] = [];
    for (const [name, expires] of Object.entries(all)) {
      const r = parseRevocation(name, expires);
      if (!r || now > r.expires) expired.push(name);
      else out.push(r);
    }
    if (expired.length > 0) await this.#client.hDel(`${this.#prefix}revocations`, expired);
    return out;
  }

  async subscribe(events: BackingEvents): Promise<void> {
    if (this.#subscribed) return;
    this.#subscribed = true;
    await this.#subscriber.subscribe(`${this.#prefix}revocations`, (message: string) => {
      try {
        const r = JSON.parse(message) as Revocation;
        const parsed = parseRevocation(`${r.kind}:${r.value}`, r.expires);
        if (parsed) events.revoked(parsed);
      } catch {
        // Not ours: ignore.
      }
    });
    // After a reconnect the client subscribes again by itself; what was published meanwhile is reloaded.
    let first = true;
    this.#subscriber.on('ready', () => {
      if (first) {
        first = false;
        return;
      }
      events.resync();
    });
  }

  /** Releases connections; the backing is not used after. */
  async close(): Promise<void> {
    await Promise.allSettled([this.#client.close(), this.#subscriber.close()]);
  }

  #parseKey(id: string, text: string): RootKeyRecord | undefined {
    const data = JSON.parse(text) as { key: string; created: number; expires: number };
    const key = hexToBytes(data.key);
    if (!key) return undefined;
    return Object.freeze({ id, key, created: data.created, expires: data.expires });
  }
}

/**
 * Opens a RootKeyStore on Redis.
 *
 * @example
 * ```ts
 * import { openRedisStore } from 'macaroon-engine/store/redis';
 * const store = await openRedisStore({ url: 'redis://127.0.0.1:6379', policy: { expiryMs: 86_400_000 } });
 * ```
 */
export async function openRedisStore(
  options: RedisBackingOptions & RootKeyStoreOptions,
): Promise<RootKeyStore> {
  return RootKeyStore.open(await RedisBacking.connect(options), options);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no connection within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
