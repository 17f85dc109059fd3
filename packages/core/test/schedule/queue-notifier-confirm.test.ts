/**
 * A queued delivery whose idempotency key cannot be confirmed after the send is not sent again
 * (the job's retry would otherwise send it a second time).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { textDocument, type DeliveryLog } from '@stats/core';
import { createQueueNotifier } from '@stats/core/queue';
import { createRedisScheduleStores } from '@stats/core/stores/redis';
import { MemoryAdapter } from '@stats/core/testing';
import { connectRedis, dropPrefix, TEST_REDIS_URL, testPrefix } from '@stats/test-utils';

let redis: Redis;
let connection: Redis;
const prefix = testPrefix();
const bullPrefix = `${prefix.replace(/:$/, '')}-bull`;

beforeAll(async () => {
  redis = await connectRedis();
  connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await dropPrefix(redis, bullPrefix);
  redis.disconnect();
  await connection.quit();
});

it('keeps a sent delivery sent when confirming its key fails', async () => {
  const log = createRedisScheduleStores(redis, { prefix }).deliveries;
  let confirms = 0;
  const failingConfirm: DeliveryLog = {
    ...log,
    confirm: async () => {
      confirms += 1;
      throw new Error('Redis went away just after the send');
    },
  };
  const adapter = new MemoryAdapter({ platform: 'matrix' });
  const notifier = await createQueueNotifier({
    connection,
    prefix: bullPrefix,
    adapters: [adapter],
    deliveries: failingConfirm,
    retry: { baseMs: 5, maxMs: 20, attempts: 5, deadlineMs: 10_000 },
  });
  await notifier.start();
  try {
    const report = {
      id: 'daily',
      period: '2026-06-01T09:00',
      document: textDocument('hello'),
      targets: [{ platform: 'matrix', roomId: 'room-1' }],
    };
    const outcomes = await notifier.deliver(report);
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent']);
    expect(confirms).toBe(1);
    expect(adapter.sent.map((s) => s.room.id)).toEqual(['room-1']);
  } finally {
    await notifier.close();
  }
});
