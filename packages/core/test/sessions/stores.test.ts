import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { createMemorySessionStore, createSessionCipher, type SessionStore } from '../../src/index.js';
import { createSqliteSessionStore } from '../../src/stores/sqlite/index.js';
import { createRedisSessionStore } from '../../src/stores/redis/index.js';
import { createPostgresSessionStore } from '../../src/stores/postgres/index.js';
import { describeSessionStore, type StoreHarness } from './describe-session-store.js';
import { connectPostgres, connectRedis, uniqueName } from '@stats/test-utils';

const cipher = createSessionCipher(randomBytes(32));
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A clock the harness moves forward. */
function clock(): { now: () => number; advance: (ms: number) => Promise<void> } {
  let t = Date.now();
  return { now: () => t, advance: async (ms) => void (t += ms) };
}

describeSessionStore('memory', async (): Promise<StoreHarness> => {
  const c = clock();
  const store = createMemorySessionStore({ now: c.now });
  return { open: async () => store, advance: c.advance, cleanup: async () => store.close?.() };
});

describeSessionStore('sqlite (a real file)', async (): Promise<StoreHarness> => {
  const c = clock();
  const dir = mkdtempSync(join(tmpdir(), 'stats-sqlite-'));
  const handles: SessionStore[] = [];
  return {
    open: async () => {
      const store = createSqliteSessionStore({
        file: join(dir, 'sessions.sqlite'),
        cipher,
        now: c.now,
        purgeEveryMs: 0,
      });
      handles.push(store);
      return store;
    },
    advance: c.advance,
    cleanup: async () => {
      for (const h of handles) await h.close?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

let redis: Redis;
let pool: pg.Pool;
beforeAll(async () => {
  [redis, pool] = await Promise.all([connectRedis(), connectPostgres()]);
});
afterAll(async () => {
  redis?.disconnect();
  await pool?.end();
});

describeSessionStore('redis (127.0.0.1:6379, native TTL)', async (): Promise<StoreHarness> => {
  const keyPrefix = `${uniqueName('test')}:`;
  return {
    open: async () => createRedisSessionStore({ client: redis, keyPrefix, cipher }),
    // Redis expires keys on its own clock, so time really has to pass here.
    advance: (ms) => delay(ms),
    cleanup: async () => {
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    },
  };
});

describeSessionStore('postgres (127.0.0.1:5432, own table)', async (): Promise<StoreHarness> => {
  const c = clock();
  const table = uniqueName('sessions').toLowerCase();
  return {
    open: async () => {
      const store = createPostgresSessionStore({ pool, table, cipher, now: c.now, purgeEveryMs: 0 });
      await store.ready();
      return store;
    },
    advance: c.advance,
    cleanup: async () => {
      await pool.query(`DROP TABLE IF EXISTS ${table}, ${table}_locks`);
    },
  };
});
