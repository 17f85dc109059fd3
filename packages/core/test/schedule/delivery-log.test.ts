import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDeliveryLog, type DeliveryLog } from '@stats/core';
import { createRedisScheduleStores } from '@stats/core/stores/redis';
import { createSqliteScheduleStores } from '@stats/core/stores/sqlite';
import { connectRedis, dropPrefix, testPrefix } from '@stats/test-utils';

let redis: Redis;
const prefixes: string[] = [];
beforeAll(async () => {
  redis = await connectRedis();
});
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(redis, p);
  redis.disconnect();
});

/** Each log with a way to let time pass beyond a reservation. */
const kinds: Record<string, () => { log: DeliveryLog; expire(): Promise<void> }> = {
  memory: () => {
    let t = 0;
    return { log: createMemoryDeliveryLog(() => t), expire: async () => void (t += 60_001) };
  },
  sqlite: () => {
    let t = 0;
    return {
      log: createSqliteScheduleStores(new Database(':memory:'), () => t).deliveries,
      expire: async () => void (t += 60_001),
    };
  },
  redis: () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const log = createRedisScheduleStores(redis, { prefix }).deliveries;
    // Redis keeps its own time: reserve with a short TTL below and drop the key as PX would
    return {
      log,
      expire: async () =>
        void (await redis.del(...(await redis.keys(`${prefix}delivery:*`)).filter((k) => k.endsWith('k1')))),
    };
  },
};

describe.each(Object.keys(kinds))('%s delivery log', (kind) => {
  it('blocks a second sender while a reservation lives and lets it take over when it lapses', async () => {
    const { log, expire } = (kinds[kind] as () => { log: DeliveryLog; expire(): Promise<void> })();
    expect(await log.begin('k1', 'crashed-replica', 60_000)).toBe('send');
    expect(await log.begin('k1', 'survivor', 60_000)).toBe('busy');
    await expire();
    expect(await log.begin('k1', 'survivor', 60_000)).toBe('send');
    await log.confirm('k1');
    expect(await log.begin('k1', 'crashed-replica', 60_000)).toBe('done');
  });

  it("lets a sender retry after it released its own reservation, but not release another's", async () => {
    const { log } = (kinds[kind] as () => { log: DeliveryLog })();
    expect(await log.begin('k2', 'a', 60_000)).toBe('send');
    await log.release('k2', 'b');
    expect(await log.begin('k2', 'b', 60_000)).toBe('busy');
    await log.release('k2', 'a');
    expect(await log.begin('k2', 'b', 60_000)).toBe('send');
  });
});
