import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/** The Redis the tests share: 127.0.0.1:6379, or `TEST_REDIS_URL`. */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** The PostgreSQL database the tests share: `test` at 127.0.0.1:5432, or `TEST_DATABASE_URL`. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Connects to the test Redis; fails (never skips) with how to start it. */
export async function connectRedis(): Promise<Redis> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => undefined); // connect() and each command reject with the error themselves
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(
      `Redis is not reachable at ${TEST_REDIS_URL}: start it with \`redis-server --daemonize yes\` (or run \`node scripts/test-setup.mjs\`)`,
      { cause: error },
    );
  }
}

/** A pool on the test PostgreSQL; fails (never skips) with how to start it. */
export async function connectPostgres(): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 8 });
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL}: start it with \`service postgresql start\` (or run \`node scripts/test-setup.mjs\`) and create the database with \`createdb -U postgres test\``,
      { cause: error },
    );
  }
}

/** A Redis key prefix of its own for one test. */
export function testPrefix(): string {
  return `stats-test:${randomUUID()}:`;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** A name unique to this run, for tables, key prefixes and files. */
export function uniqueName(base: string): string {
  return `${base}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
