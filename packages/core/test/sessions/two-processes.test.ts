import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { spawnBot, startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import {
  createAuthServiceClient,
  createSessionCipher,
  createSessionManager,
  keyFromSecret,
  type SessionStore,
  type UserRef,
} from '../../src/index.js';
import { createPostgresSessionStore } from '../../src/stores/postgres/index.js';
import { createRedisSessionStore } from '../../src/stores/redis/index.js';
import { connectPostgres, connectRedis, uniqueName } from '@stats/test-utils';

const SECRET = 'two-processes-share-this-session-secret';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

let auth: RunningAuthServer;
let redis: Redis;
let pool: pg.Pool;
beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'judy@example.org', password: 'pw-judy-123' });
  [redis, pool] = await Promise.all([connectRedis(), connectPostgres()]);
});
afterAll(async () => {
  await auth.stop();
  redis.disconnect();
  await pool.end();
});

/** Starts the worker process and resolves once it has opened the store. */
async function startWorker(env: Record<string, string>): Promise<{ go: () => Promise<string[]> }> {
  const worker = spawnBot('packages/core/test/sessions/refresh-worker.ts', {
    baseEnv: 'inherit',
    env: { ...env, AUTH_URL: auth.url, SESSION_SECRET: SECRET, USES: '500' },
    // Its stdout hands the access tokens it got back to this test: a protocol, not a log.
    logScan: false,
  });
  await worker.waitForLog((_entry, line) => line === 'ready');
  return {
    go: async () => {
      const from = worker.lines.length;
      worker.child.stdin.write('go\n');
      const answer = await worker.waitForLog((_entry, line) => line.startsWith('['), { from });
      await worker.exited;
      return JSON.parse(String(answer['line'])) as string[];
    },
  };
}

async function race(store: SessionStore, env: Record<string, string>, user: UserRef): Promise<void> {
  const manager = createSessionManager({
    store,
    providers: [createAuthServiceClient({ url: auth.url })],
    lockPollMs: 10,
  });
  // Log in with a token already inside the 60 s refresh window; later tokens live 15 minutes.
  auth.setAccessTtl(30);
  const stale = await manager.login(user, { email: 'judy@example.org', password: 'pw-judy-123' });
  auth.setAccessTtl(900);
  const worker = await startWorker({ ...env, CHAT_USER: user.id });
  const before = auth.calls('refresh');
  auth.fail('refresh', { delayMs: 300 }, 1);
  const [theirs, ours] = await Promise.all([
    worker.go(),
    Promise.all(Array.from({ length: 500 }, () => manager.current(user))),
  ]);
  expect(auth.calls('refresh') - before).toBe(1);
  const tokens = new Set([...theirs, ...ours.map((s) => s?.accessToken)]);
  expect(tokens.size).toBe(1);
  expect(tokens.has(stale.accessToken)).toBe(false);
}

describe('single-flight refresh across two bot processes', () => {
  it('makes exactly one refresh call for 1,000 uses split over two processes sharing Redis', async () => {
    const keyPrefix = `${uniqueName('sf')}:`;
    const store = createRedisSessionStore({
      url: REDIS_URL,
      keyPrefix,
      cipher: createSessionCipher(keyFromSecret(SECRET)),
    });
    await race(store, { STORE: 'redis', REDIS_URL, KEY_PREFIX: keyPrefix }, { platform: 'matrix', id: '@judy:redis' });
    await store.close();
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  it('makes exactly one refresh call for 1,000 uses split over two processes sharing PostgreSQL', async () => {
    const table = uniqueName('sf').toLowerCase();
    const store = createPostgresSessionStore({
      pool,
      table,
      cipher: createSessionCipher(keyFromSecret(SECRET)),
      purgeEveryMs: 0,
    });
    await store.ready();
    await race(store, { STORE: 'postgres', DATABASE_URL, TABLE: table }, { platform: 'matrix', id: '@judy:pg' });
    await pool.query(`DROP TABLE ${table}, ${table}_locks`);
  });
});
