import { Redis } from 'ioredis';
import pg from 'pg';

/** Redis at 127.0.0.1:6379 (or `REDIS_URL`); fails with how to start it. */
export async function connectRedis(): Promise<Redis> {
  const url = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is not reachable at ${url}: start it with \`redis-server --daemonize yes\` (or run \`node scripts/test-setup.mjs\`)`, { cause: error });
  }
}

/** A pool on PostgreSQL at 127.0.0.1:5432, database `test`; fails with how to start it. */
export async function connectPostgres(): Promise<pg.Pool> {
  const connectionString = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const pool = new pg.Pool({ connectionString, max: 8 });
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is not reachable at ${connectionString}: start it with \`service postgresql start\` (or run \`node scripts/test-setup.mjs\`) and create the database with \`createdb -U postgres test\``,
      { cause: error },
    );
  }
}

/** A name unique to this run, for tables, key prefixes and files. */
export function uniqueName(base: string): string {
  return `${base}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
