import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the schedule tests share (127.0.0.1:6379 or `TEST_REDIS_URL`). */
export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Connects to Redis; fails with how to start it. */
export async function connectRedis(): Promise<Redis> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is not reachable at ${REDIS_URL}: start it with \`redis-server --daemonize yes\` (or run \`node scripts/test-setup.mjs\`)`, { cause: error });
  }
}

/** A key prefix of its own for one test. */
export function testPrefix(): string {
  return `stats-test:${randomUUID()}:`;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}
