/**
 * macaroon-engine/store/postgres: root keys and revocations in PostgreSQL, through `pg` (an optional
 * peer dependency). The key table is macaroon-bakery's postgresrootkeystore table (id BYTEA, rootkey,
 * created, expires, a trigger deleting expired rows on insert), so a Go bakery service can share it.
 * Revocations live in a second table; each new one is announced with NOTIFY, every node LISTENs, and a
 * node whose listening connection dropped reconnects by itself and reloads the table.
 */
import pg from 'pg';
import { utf8Encode } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { StoreUnavailableError } from './errors.js';
import { RootKeyStore, type RootKeyStoreOptions } from './root-key-store.js';
import type { BackingEvents, Revocation, RootKeyBacking, RootKeyRecord } from './types.js';

/**
 * Options of `PostgresBacking.connect`: the connection string, the table and the connection deadline.
 *
 * @example
 * ```ts
 * import { PostgresBacking, type PostgresBackingOptions } from 'macaroon-engine/store/postgres';
 *
 * const options: PostgresBackingOptions = { url: 'postgres://app@localhost/app', table: 'api_root_keys' };
 * await PostgresBacking.connect(options);
 * ```
 */
export interface PostgresBackingOptions {
  /** `postgres://user:password@host:port/database` (any `pg` connection string). */
  readonly url: string;
  /** The root-key table (default `macaroon_root_keys`); revocations go to `<table>_revocations`. */
  readonly table?: string | undefined;
  /** Longest wait for a connection, in milliseconds (default 2000). */
  readonly connectTimeoutMs?: number | undefined;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,40}$/;

// bakery's postgresrootkeystore schema (sql.go), plus the revocation table and its notification.
function schema(t: string): string {
  return `
BEGIN;
SELECT pg_advisory_xact_lock(34577509137);
CREATE TABLE IF NOT EXISTS ${t} (
  id BYTEA PRIMARY KEY NOT NULL,
  rootkey BYTEA,
  created TIMESTAMP WITH TIME ZONE NOT NULL,
  expires TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE OR REPLACE FUNCTION ${t}_expire_func() RETURNS trigger
LANGUAGE plpgsql
AS $$
  BEGIN
    DELETE FROM ${t} WHERE expires < NOW();
    RETURN NEW;
  END;
$$;
CREATE INDEX IF NOT EXISTS ${t}_index_create ON ${t} (created);
CREATE INDEX IF NOT EXISTS ${t}_index_expire ON ${t} (expires);
DROP TRIGGER IF EXISTS ${t}_trigger ON ${t};
CREATE TRIGGER ${t}_trigger BEFORE INSERT ON ${t} EXECUTE PROCEDURE ${t}_expire_func();
CREATE TABLE IF NOT EXISTS ${t}_revocations (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  expires TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (kind, value)
);
COMMIT;
`;
}

interface KeyRow {
  id: Uint8Array;
  rootkey: Uint8Array;
  created: Date;
  expires: Date;
}

// Key ids are ASCII (hex); pg returns BYTEA columns as Node byte arrays, which are Uint8Arrays.
const ascii = new TextDecoder();

function toRecord(row: KeyRow | undefined): RootKeyRecord | undefined {
  if (!row) return undefined;
  return Object.freeze({
    id: ascii.decode(row.id),
    key: new Uint8Array(row.rootkey),
    created: row.created.getTime(),
    expires: row.expires.getTime(),
  });
}

/**
 * Keys and revocations in PostgreSQL (a `RootKeyBacking` for `RootKeyStore.open`).
 *
 * @example
 * ```ts
 * import { RootKeyStore } from 'macaroon-engine/store';
 * import { PostgresBacking } from 'macaroon-engine/store/postgres';
 *
 * const backing = await PostgresBacking.connect({ url: 'postgres://app@localhost/app' });
 * const store = await RootKeyStore.open(backing, { policy: { expiryMs: 86_400_000 } });
 * ```
 */
export class PostgresBacking implements RootKeyBacking {
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #table: string;
  readonly #channel: string;
  readonly #timeoutMs: number;
  #listener: pg.Client | undefined;
  #events: BackingEvents | undefined;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  private constructor(options: PostgresBackingOptions, table: string) {
    this.#url = options.url;
    this.#table = table;
    this.#channel = `${table}_revoked`;
    this.#timeoutMs = options.connectTimeoutMs ?? 2000;
    this.#pool = new pg.Pool({
      connectionString: options.url,
      connectionTimeoutMillis: this.#timeoutMs,
      max: 4,
    });
    this.#pool.on('error', () => {}); // an idle client lost its server; the pool replaces it
  }

  /**
   * Connects and creates the tables if needed.
   *
   * @example
   * ```ts
   * import { RootKeyStore } from 'macaroon-engine/store';
   * import { PostgresBacking } from 'macaroon-engine/store/postgres';
   * const backing = await PostgresBacking.connect({ url: 'postgres://app@db/app' });
   * const store = await RootKeyStore.open(backing, { policy: { expiryMs: 86_400_000 } });
   * ```
   */
  static async connect(options: PostgresBackingOptions): Promise<PostgresBacking> {
    if (typeof options?.url !== 'string')
      throw new InvalidArgumentError('options.url must be a postgres:// URL');
    const table = options.table ?? 'macaroon_root_keys';
    if (!IDENTIFIER.test(table)) throw new InvalidArgumentError('table must be a lower-case SQL identifier');
    const backing = new PostgresBacking(options, table);
    try {
      await backing.#pool.query(schema(table));
    } catch (e) {
      await backing.#pool.end().catch(() => {});
      throw new StoreUnavailableError('cannot set up the PostgreSQL tables', { cause: e });
    }
    return backing;
  }

  /** The key with this id, or undefined when there is none. */
  async getKey(id: string): Promise<RootKeyRecord | undefined> {
    const r = await this.#pool.query<KeyRow>(
      `SELECT id, created, expires, rootkey FROM ${this.#table} WHERE id = $1`,
      [utf8Encode(id)],
    );
    return toRecord(r.rows[0]);
  }

  async findLatestKey(
    createdAfter: number,
    expiresAfter: number,
    expiresBefore: number,
  ): Promise<RootKeyRecord | undefined> {
    const r = await this.#pool.query<KeyRow>(
      `SELECT id, created, expires, rootkey FROM ${this.#table}
       WHERE created >= $1 AND expires >= $2 AND expires <= $3 ORDER BY created DESC LIMIT 1`,
      [new Date(createdAfter), new Date(expiresAfter), new Date(expiresBefore)],
    );
    return toRecord(r.rows[0]);
  }

  /** Stores a new key. */
  async insertKey(key: RootKeyRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO ${this.#table} (id, rootkey, created, expires) VALUES ($1, $2, $3, $4)`,
      [utf8Encode(key.id), key.key, new Date(key.created), new Date(key.expires)],
    );
  }

  async deleteKey(id: string): Promise<void> {
    await this.#pool.query(`DELETE FROM ${this.#table} WHERE id = $1`, [utf8Encode(id)]);
  }

  async addRevocation(revocation: Revocation): Promise<void> {
    // One statement: the row and its notification commit together.
    await this.#pool.query(
      `WITH saved AS (
         INSERT INTO ${this.#table}_revocations (kind, value, expires) VALUES ($1, $2, $3)
         ON CONFLICT (kind, value) DO UPDATE SET expires = GREATEST(${this.#table}_revocations.expires, EXCLUDED.expires)
         RETURNING kind)
       SELECT pg_notify($4, $5) FROM saved`,
      [
        revocation.kind,
        revocation.value,
        new Date(revocation.expires),
        this.#channel,
        JSON.stringify(revocation),
      ],
    );
  }

  async loadRevocations(now: number): Promise<Revocation[]> {
    await this.#pool.query(`DELETE FROM ${this.#table}_revocations WHERE expires < $1`, [new Date(now)]);
    const r = await this.#pool.query<{ kind: string; value: string; expires: Date }>(
      `SELECT kind, value, expires FROM ${this.#table}_revocations`,
    );
    return r.rows
      .filter((row) => row.kind === 'identifier' || row.kind === 'key')
      .map((row) => ({
        kind: row.kind as Revocation['kind'],
        value: row.value,
        expires: row.expires.getTime(),
      }));
  }

  async subscribe(events: BackingEvents): Promise<void> {
    this.#events = events;
    await this.#listen();
  }

  /** Releases connections; the backing is not used after. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    const listener = this.#listener;
    this.#listener = undefined;
    await Promise.allSettled([listener?.end(), this.#pool.end()]);
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: this.#timeoutMs });
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      client.end().catch(() => {});
      if (this.#listener === client) this.#listener = undefined;
      this.#reconnect(1);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (n) => {
      if (n.channel !== this.#channel || !n.payload) return;
      try {
        const r = JSON.parse(n.payload) as Revocation;
        if ((r.kind === 'identifier' || r.kind === 'key') && typeof r.value === 'string') {
          this.#events?.revoked({ kind: r.kind, value: r.value, expires: Number(r.expires) });
        }
      } catch {
        // Not ours: ignore.
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.#channel}`);
    } catch (e) {
      lost = true;
      client.end().catch(() => {});
      throw e;
    }
    this.#listener = client;
  }

  /** Listens again after a lost connection (backing off up to 1 s), then has the store reload. */
  #reconnect(attempt: number): void {
    if (this.#closed) return;
    this.#retry = setTimeout(
      () => {
        this.#listen().then(
          () => this.#events?.resync(),
          () => this.#reconnect(attempt + 1),
        );
      },
      Math.min(50 * 2 ** Math.min(attempt, 5), 1000),
    );
    (this.#retry as { unref?: () => void }).unref?.();
  }
}

/**
 * Opens a RootKeyStore on PostgreSQL.
 *
 * @example
 * ```ts
 * import { openPostgresStore } from 'macaroon-engine/store/postgres';
 * const store = await openPostgresStore({ url: 'postgres://app@db/app', policy: { expiryMs: 86_400_000 } });
 * ```
 */
export async function openPostgresStore(
  options: PostgresBackingOptions & RootKeyStoreOptions,
): Promise<RootKeyStore> {
  return RootKeyStore.open(await PostgresBacking.connect(options), options);
}
