import type { Database } from 'better-sqlite3';
import type { BeginResult, DeliveryLog, Lease, ScheduleStore } from './types.js';

/** The SQLite stores of a single process: last runs and idempotency keys survive restarts. */
export interface SqliteScheduleStores {
  readonly schedule: ScheduleStore;
  readonly deliveries: DeliveryLog;
}

/**
 * Keeps last runs and idempotency keys in SQLite (the embedded default, one process). Leases
 * are held in memory: SQLite is for one replica; several replicas need Redis.
 *
 * @param db An open better-sqlite3 database (the caller owns and closes it).
 * @example
 * import Database from 'better-sqlite3';
 * const stores = createSqliteScheduleStores(new Database('data/schedule.db'));
 */
export function createSqliteScheduleStores(db: Database, now: () => number = Date.now): SqliteScheduleStores {
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS schedule_runs (job_id TEXT PRIMARY KEY, last_run INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS deliveries (key TEXT PRIMARY KEY, state TEXT NOT NULL, owner TEXT NOT NULL, until INTEGER NOT NULL);`);
  const getLast = db.prepare<[string], { last_run: number }>('SELECT last_run FROM schedule_runs WHERE job_id = ?');
  const insertLast = db.prepare('INSERT OR IGNORE INTO schedule_runs (job_id, last_run) VALUES (?, ?)');
  const advance = db.prepare(
    'INSERT INTO schedule_runs (job_id, last_run) VALUES (?, ?) ON CONFLICT(job_id) DO UPDATE SET last_run = MAX(last_run, excluded.last_run)',
  );
  const getDelivery = db.prepare<[string], { state: string; owner: string; until: number }>(
    'SELECT state, owner, until FROM deliveries WHERE key = ?',
  );
  const putDelivery = db.prepare('INSERT OR REPLACE INTO deliveries (key, state, owner, until) VALUES (?, ?, ?, ?)');
  const dropPending = db.prepare("DELETE FROM deliveries WHERE key = ? AND state = 'pending' AND owner = ?");
  const leases = new Map<string, { owner: string; until: number }>();
  let fence = 0;

  const begin = db.transaction((key: string, owner: string, ttlMs: number): BeginResult => {
    const row = getDelivery.get(key);
    if (row?.state === 'sent') return 'done';
    if (row && row.owner !== owner && row.until > now()) return 'busy';
    putDelivery.run(key, 'pending', owner, now() + ttlMs);
    return 'send';
  });

  const schedule: ScheduleStore = {
    lastRun: async (jobId) => getLast.get(jobId)?.last_run,
    baseline: async (jobId, at) => {
      insertLast.run(jobId, at);
    },
    acquire: async (jobId, scheduledAt, owner, ttlMs) => {
      if ((getLast.get(jobId)?.last_run ?? -Infinity) >= scheduledAt) return undefined;
      const key = `${jobId}@${scheduledAt}`;
      const held = leases.get(key);
      if (held && held.until > now() && held.owner !== owner) return undefined;
      const mine = { owner, until: now() + ttlMs };
      leases.set(key, mine);
      const lease: Lease = {
        fence: ++fence,
        valid: async () => leases.get(key) === mine,
        renew: async () => {
          if (leases.get(key) !== mine) return false;
          mine.until = now() + ttlMs;
          return true;
        },
        release: async () => {
          if (leases.get(key) === mine) leases.delete(key);
        },
      };
      return lease;
    },
    complete: async (jobId, scheduledAt) => {
      advance.run(jobId, scheduledAt);
      leases.delete(`${jobId}@${scheduledAt}`);
    },
  };
  const deliveries: DeliveryLog = {
    begin: async (key, owner, ttlMs) => begin(key, owner, ttlMs),
    confirm: async (key) => {
      putDelivery.run(key, 'sent', '', Number.MAX_SAFE_INTEGER);
    },
    release: async (key, owner) => {
      dropPending.run(key, owner);
    },
  };
  return { schedule, deliveries };
}
