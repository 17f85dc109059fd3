import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  createSessionCodec,
  userKey,
  type SessionCipher,
  type SessionLock,
  type SessionStore,
} from '../../sessions/index.js';

/** Options of {@link createPostgresSessionStore}. */
export interface PostgresSessionStoreOptions {
  /** `SESSION_DATABASE_URL` or `DATABASE_URL`; ignored when `pool` is given. */
  readonly connectionString?: string;
  /** An existing pool (not ended by the store). */
  readonly pool?: pg.Pool;
  /** The table (default `stats_sessions`); a lock table `<table>_locks` sits beside it. */
  readonly table?: string;
  /** Encrypts every stored session (tokens included). */
  readonly cipher: SessionCipher;
  /** The clock (Unix ms); tests inject one. */
  readonly now?: () => number;
  /** How often expired rows are purged, ms (default 10 minutes; 0 disables the timer). */
  readonly purgeEveryMs?: number;
}

/** A PostgreSQL session store. */
export interface PostgresSessionStore extends SessionStore {
  readonly lock: SessionLock;
  /** Creates the tables when missing and purges expired rows; call once before use. */
  ready(): Promise<void>;
  /** Deletes expired rows now; resolves how many. */
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
}

const TABLE = /^[a-z_][a-z0-9_]{0,50}$/;

/**
 * Sessions in their own PostgreSQL table, created on start; expired rows are ignored on read
 * and purged on a timer. Its lock is a row in `<table>_locks` with an expiry.
 *
 * @example
 * const store = createPostgresSessionStore({ connectionString: process.env['DATABASE_URL'] ?? 'postgres://127.0.0.1/stats', cipher });
 * await store.ready();
 */
export function createPostgresSessionStore(options: PostgresSessionStoreOptions): PostgresSessionStore {
  const table = options.table ?? 'stats_sessions';
  if (!TABLE.test(table)) throw new TypeError(`Session table name "${table}" must match ${TABLE.source}`);
  if (options.pool === undefined && options.connectionString === undefined) {
    throw new TypeError('createPostgresSessionStore needs a connectionString or a pool');
  }
  const owned = options.pool === undefined;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 5 });
  const now = options.now ?? Date.now;
  const codec = createSessionCodec(options.cipher);
  const locks = `${table}_locks`;
  let timer: NodeJS.Timeout | undefined;
  let readying: Promise<void> | undefined;

  const purge = async (): Promise<number> =>
    (await pool.query(`DELETE FROM ${table} WHERE expires_at <= $1`, [now()])).rowCount ?? 0;
  // Replicas starting together would race on the catalog; a transaction-scoped advisory lock
  // keyed on the table name lets one create the tables while the others wait.
  const createTables = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${table} (user_key TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at BIGINT NOT NULL)`,
      );
      await client.query(`CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at)`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${locks} (user_key TEXT PRIMARY KEY, token TEXT NOT NULL, until BIGINT NOT NULL)`,
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const ready = (): Promise<void> =>
    (readying ??= (async () => {
      await createTables();
      await purge();
      const every = options.purgeEveryMs ?? 600_000;
      if (every > 0) {
        timer = setInterval(() => void purge().catch(() => undefined), every);
        timer.unref();
      }
    })().catch((error: unknown) => {
      readying = undefined;
      throw error;
    }));

  return {
    ready,
    async get(user) {
      await ready();
      const { rows } = await pool.query<{ data: string }>(
        `SELECT data FROM ${table} WHERE user_key = $1 AND expires_at > $2`,
        [userKey(user), now()],
      );
      const data = rows[0]?.data;
      return data === undefined ? undefined : codec.decode(userKey(user), data);
    },
    async set(user, session, ttlMs) {
      await ready();
      await pool.query(
        `INSERT INTO ${table} (user_key, data, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_key) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
        [userKey(user), codec.encode({ ...session, user }), Math.round(now() + ttlMs)],
      );
    },
    async delete(user) {
      await ready();
      await pool.query(`DELETE FROM ${table} WHERE user_key = $1`, [userKey(user)]);
    },
    async list() {
      await ready();
      const { rows } = await pool.query<{ user_key: string; data: string }>(
        `SELECT user_key, data FROM ${table} WHERE expires_at > $1`,
        [now()],
      );
      return rows.flatMap((row) => codec.decode(row.user_key, row.data) ?? []);
    },
    purgeExpired: async () => {
      await ready();
      return purge();
    },
    lock: {
      async tryAcquire(user, ttlMs) {
        await ready();
        const key = userKey(user);
        const token = randomUUID();
        const t = now();
        const result = await pool.query(
          `INSERT INTO ${locks} (user_key, token, until) VALUES ($1, $2, $3)
           ON CONFLICT (user_key) DO UPDATE SET token = EXCLUDED.token, until = EXCLUDED.until WHERE ${locks}.until <= $4`,
          [key, token, Math.round(t + ttlMs), t],
        );
        if ((result.rowCount ?? 0) === 0) return undefined;
        return async () => {
          await pool.query(`DELETE FROM ${locks} WHERE user_key = $1 AND token = $2`, [key, token]);
        };
      },
    },
    async close() {
      if (timer) clearInterval(timer);
      if (owned) await pool.end();
    },
  };
}
