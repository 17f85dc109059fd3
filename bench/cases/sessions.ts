import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import {
  createAuthServiceClient,
  createMemorySessionStore,
  createSessionCipher,
  createSessionManager,
  type Session,
  type SessionStore,
  type UserRef,
} from '@stats/core';
import { createPostgresSessionStore } from '@stats/core/stores/postgres';
import { createRedisSessionStore } from '@stats/core/stores/redis';
import { createSqliteSessionStore } from '@stats/core/stores/sqlite';
import { startAuthServer } from '@stats/test-utils';
import { summarize, type BenchCase, type BenchContext, type BenchRow } from '../harness.js';

const USERS = 100;
const DAY = 86_400_000;
const users: UserRef[] = Array.from({ length: USERS }, (_, i) => ({
  platform: 'matrix',
  id: `@bench${i}:example.org`,
}));
const session = (user: UserRef): Session => ({
  user,
  account: { id: `acc-${user.id}`, email: `${user.id.slice(1, 8)}@example.org` },
  accessToken: `eyJhbGciOiJFZERTQSJ9.${randomBytes(180).toString('base64url')}.${randomBytes(64).toString('base64url')}`,
  refreshToken: randomBytes(32).toString('base64url'),
  createdAt: Date.now(),
  expiresAt: Date.now() + 7 * DAY,
});

interface StoreUnderTest {
  readonly name: string;
  readonly store: SessionStore;
  cleanup(): Promise<void>;
}

/** Sequential ops/s over `n` operations and per-operation latency samples (ms). */
async function measure(
  n: number,
  op: (i: number) => Promise<unknown>,
): Promise<{ opsPerSecond: number; p99: number; median: number }> {
  // Warm-up: JIT, statement caches, the decrypted-session cache.
  for (let i = 0; i < Math.ceil(n / 5); i++) await op(i);
  const started = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  const opsPerSecond = n / ((performance.now() - started) / 1000);
  const samples: number[] = [];
  for (let i = 0; i < Math.min(n, 20_000); i++) {
    const t = performance.now();
    await op(i);
    samples.push(performance.now() - t);
  }
  const s = summarize(samples);
  return { opsPerSecond, p99: s.p99, median: s.median };
}

async function stores(context: BenchContext | undefined): Promise<StoreUnderTest[]> {
  const cipher = createSessionCipher(randomBytes(32));
  const dir = mkdtempSync(join(tmpdir(), 'stats-bench-sessions-'));
  const list: StoreUnderTest[] = [
    { name: 'memory', store: createMemorySessionStore(), cleanup: async () => undefined },
    {
      name: 'sqlite',
      store: createSqliteSessionStore({ file: join(dir, 'sessions.sqlite'), cipher, purgeEveryMs: 0 }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    },
  ];
  const redis = new Redis('redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // connect() rejects with the error; no "Unhandled error event"
  try {
    await redis.connect();
    const keyPrefix = `bench-${process.pid}:`;
    list.push({
      name: 'redis',
      store: createRedisSessionStore({ client: redis, keyPrefix, cipher }),
      cleanup: async () => {
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      },
    });
  } catch {
    redis.disconnect();
    context?.note(
      'sessions: Redis at 127.0.0.1:6379 was not reachable; its rows are missing (start it with `redis-server --daemonize yes`).',
    );
  }
  // One table reused by every run (rows are deleted afterwards), so the bench needs no pg import.
  const postgres = createPostgresSessionStore({
    connectionString: 'postgres://postgres@127.0.0.1:5432/test',
    table: 'bench_sessions',
    cipher,
    purgeEveryMs: 0,
  });
  try {
    await postgres.ready();
    list.push({ name: 'postgres', store: postgres, cleanup: async () => undefined });
  } catch {
    await postgres.close().catch(() => undefined);
    context?.note('sessions: PostgreSQL at 127.0.0.1:5432 was not reachable; its rows are missing.');
  }
  return list;
}

/** A JWT-shaped token whose `exp` has passed, so the first use must refresh. */
async function concurrentRefresh(uses: number): Promise<{ calls: number; ms: number }> {
  const auth = await startAuthServer();
  try {
    auth.addUser({ email: 'bench@example.org', password: 'bench-password' });
    const store = createMemorySessionStore();
    const manager = createSessionManager({ store, providers: [createAuthServiceClient({ url: auth.url })] });
    const user: UserRef = { platform: 'matrix', id: '@bench:example.org' };
    auth.setAccessTtl(30);
    await manager.login(user, { email: 'bench@example.org', password: 'bench-password' });
    auth.setAccessTtl(900);
    const before = auth.calls('refresh');
    const started = performance.now();
    await Promise.all(Array.from({ length: uses }, () => manager.current(user)));
    return { calls: auth.calls('refresh') - before, ms: performance.now() - started };
  } finally {
    await auth.stop();
  }
}

/** Session store get/set throughput and latency per store, and the concurrent-refresh case. */
export const sessions: BenchCase = {
  name: 'sessions',
  description:
    'Session store operations, one after another on one handle, with 100 stored sessions encrypted with AES-256-GCM (memory: none): gets/s and sets/s, then p99 latency per operation over up to 20,000 timed operations; SQLite is a file in a temp dir (WAL), Redis and PostgreSQL run on loopback. Then 1,000 concurrent `current()` calls on a session whose access token is inside the 60 s refresh window, counted at the test auth service.',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    const quick = context?.quick ?? false;
    const rows: BenchRow[] = [];
    for (const s of await stores(context)) {
      try {
        const n =
          s.name === 'postgres'
            ? quick
              ? 1_000
              : 10_000
            : s.name === 'redis'
              ? quick
                ? 2_000
                : 20_000
              : quick
                ? 20_000
                : 200_000;
        for (const user of users) await s.store.set(user, session(user), DAY);
        context?.progress(`${s.name}: ${n} gets, ${Math.ceil(n / 4)} sets`);
        const get = await measure(n, (i) => s.store.get(users[i % USERS] as UserRef));
        const set = await measure(Math.ceil(n / 4), (i) => {
          const user = users[i % USERS] as UserRef;
          return s.store.set(user, session(user), DAY);
        });
        const how = `sequential awaits on one ${s.name} handle after a warm-up of n/5, 100 users round-robin`;
        rows.push(
          {
            case: `sessions: ${s.name} get`,
            metric: 'ops/s',
            stats: Math.round(get.opsPerSecond),
            better: 'higher',
            ...(s.name === 'sqlite' ? { goal: '≥ 100000 gets/s' } : {}),
            how,
          },
          {
            case: `sessions: ${s.name} get`,
            metric: 'p99 ms',
            stats: get.p99,
            better: 'lower',
            digits: 3,
            ...(s.name === 'redis' ? { goal: '< 1 ms' } : {}),
            how,
          },
          {
            case: `sessions: ${s.name} set`,
            metric: 'ops/s',
            stats: Math.round(set.opsPerSecond),
            better: 'higher',
            how,
          },
          { case: `sessions: ${s.name} set`, metric: 'p99 ms', stats: set.p99, better: 'lower', digits: 3, how },
        );
      } finally {
        for (const user of users) await s.store.delete(user);
        await s.store.close?.();
        await s.cleanup();
      }
    }
    context?.progress('1,000 concurrent uses at expiry');
    const refresh = await concurrentRefresh(1000);
    rows.push(
      {
        case: 'sessions: 1,000 concurrent uses at expiry',
        metric: 'refresh calls',
        stats: refresh.calls,
        better: 'lower',
        goal: '= 1',
        how: 'Promise.all of 1,000 manager.current() on one user over real HTTP to the test auth service',
      },
      {
        case: 'sessions: 1,000 concurrent uses at expiry',
        metric: 'ms until all answered',
        stats: refresh.ms,
        better: 'lower',
        digits: 1,
        how: 'wall time of the same Promise.all, including the one refresh round trip',
      },
    );
    return rows;
  },
};
