import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import {
  createSessionCodec,
  userKey,
  type Session,
  type SessionCipher,
  type SessionLock,
  type SessionStore,
} from '../../sessions/index.js';

/** Options of {@link createSqliteSessionStore}. */
export interface SqliteSessionStoreOptions {
  /** The database file; default `<dataDir>/sessions.sqlite`. */
  readonly file?: string;
  /** Where the default file lives (default `./data`). */
  readonly dataDir?: string;
  /** Encrypts every stored session (tokens included). */
  readonly cipher: SessionCipher;
  /** The clock (Unix ms); tests inject one. */
  readonly now?: () => number;
  /** How often expired rows are purged, ms (default 10 minutes; 0 disables the timer). */
  readonly purgeEveryMs?: number;
}

/** A SQLite session store, with the purge the timer runs. */
export interface SqliteSessionStore extends SessionStore {
  readonly lock: SessionLock;
  /** Deletes expired rows now; resolves how many. */
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The embedded default store: one SQLite file in `DATA_DIR` (WAL mode, so several handles and
 * processes may share it). Sessions are encrypted as a whole; expired rows are purged.
 *
 * @example
 * const store = createSqliteSessionStore({ dataDir: './data', cipher });
 */
export function createSqliteSessionStore(options: SqliteSessionStoreOptions): SqliteSessionStore {
  const file = options.file ?? join(options.dataDir ?? './data', 'sessions.sqlite');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  // WAL with NORMAL sync survives a crash of the bot; only a power loss may drop the last writes.
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS sessions (user_key TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);
CREATE TABLE IF NOT EXISTS session_locks (user_key TEXT PRIMARY KEY, token TEXT NOT NULL, until INTEGER NOT NULL);`);
  const now = options.now ?? Date.now;
  const codec = createSessionCodec(options.cipher);
  const q = {
    get: db
      .prepare<[string, number], string>('SELECT data FROM sessions WHERE user_key = ? AND expires_at > ?')
      .pluck(),
    set: db.prepare<[string, string, number]>(
      'INSERT INTO sessions (user_key, data, expires_at) VALUES (?, ?, ?) ON CONFLICT (user_key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at',
    ),
    delete: db.prepare<[string]>('DELETE FROM sessions WHERE user_key = ?'),
    list: db.prepare<[number], { user_key: string; data: string }>(
      'SELECT user_key, data FROM sessions WHERE expires_at > ?',
    ),
    purge: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
    lock: db.prepare<[string, string, number, number]>(
      'INSERT INTO session_locks (user_key, token, until) VALUES (?, ?, ?) ON CONFLICT (user_key) DO UPDATE SET token = excluded.token, until = excluded.until WHERE session_locks.until <= ?',
    ),
    unlock: db.prepare<[string, string]>('DELETE FROM session_locks WHERE user_key = ? AND token = ?'),
  };
  const purge = (): number => q.purge.run(now()).changes;
  purge();
  const every = options.purgeEveryMs ?? 600_000;
  const timer = every > 0 ? setInterval(purge, every) : undefined;
  timer?.unref();
  let closed = false;

  return {
    async get(user) {
      const key = userKey(user);
      const data = q.get.get(key, now());
      return data === undefined ? undefined : codec.decode(key, data);
    },
    async set(user, session: Session, ttlMs) {
      q.set.run(userKey(user), codec.encode({ ...session, user }), now() + ttlMs);
    },
    async delete(user) {
      q.delete.run(userKey(user));
    },
    async list() {
      return q.list.all(now()).flatMap((row) => codec.decode(row.user_key, row.data) ?? []);
    },
    purgeExpired: async () => purge(),
    lock: {
      async tryAcquire(user, ttlMs) {
        const key = userKey(user);
        const token = randomUUID();
        const t = now();
        if (q.lock.run(key, token, t + ttlMs, t).changes === 0) return undefined;
        return async () => {
          if (!closed) q.unlock.run(key, token);
        };
      },
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      db.close();
    },
  };
}
