import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryClaims, createMemoryScheduleStore, type Claims, type ScheduleStore } from '@stats/core';
import { createRedisClaims, createRedisScheduleStores } from '@stats/core/stores/redis';
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
const fresh = (): string => {
  const p = testPrefix();
  prefixes.push(p);
  return p;
};

const stores: Record<string, () => ScheduleStore> = {
  memory: () => createMemoryScheduleStore(),
  redis: () => createRedisScheduleStores(redis, { prefix: fresh() }).schedule,
};

describe.each(Object.keys(stores))('%s schedule store', (kind) => {
  const make = stores[kind] as () => ScheduleStore;

  it('gives one occurrence to one holder at a time, with growing fence numbers', async () => {
    const store = make();
    const a = await store.acquire('daily', 1000, 'a', 60_000);
    expect(a).toBeDefined();
    expect(await store.acquire('daily', 1000, 'b', 60_000)).toBeUndefined();
    expect(await a?.valid()).toBe(true);
    await a?.release();
    const b = await store.acquire('daily', 1000, 'b', 60_000);
    expect(b?.fence).toBeGreaterThan(a?.fence ?? Infinity);
    expect(await a?.valid()).toBe(false);
    expect(await a?.renew()).toBe(false);
    expect(await b?.renew()).toBe(true);
  });

  it('lets another replica take over when the holder stops renewing', async () => {
    const store = make();
    const a = await store.acquire('daily', 2000, 'a', 30);
    expect(a).toBeDefined();
    await new Promise((r) => setTimeout(r, 60)); // the lease lapses: the point of this test
    const b = await store.acquire('daily', 2000, 'b', 60_000);
    expect(b).toBeDefined();
    expect(await a?.valid()).toBe(false);
  });

  it('never hands out a completed occurrence again and keeps the latest last run', async () => {
    const store = make();
    await store.baseline('daily', 500);
    await store.baseline('daily', 700);
    expect(await store.lastRun('daily')).toBe(500);
    const a = await store.acquire('daily', 3000, 'a', 60_000);
    expect(a).toBeDefined();
    await store.complete('daily', 3000);
    expect(await store.lastRun('daily')).toBe(3000);
    expect(await store.acquire('daily', 3000, 'b', 60_000)).toBeUndefined();
    await store.complete('daily', 2000);
    expect(await store.lastRun('daily')).toBe(3000);
  });
});

const claimKinds: Record<string, () => Claims> = {
  memory: () => createMemoryClaims(),
  redis: () => createRedisClaims(redis, { prefix: fresh() }),
};

describe.each(Object.keys(claimKinds))('%s claims', (kind) => {
  it('lets exactly one of many concurrent callers claim a message', async () => {
    const claims = (claimKinds[kind] as () => Claims)();
    const results = await Promise.all(Array.from({ length: 20 }, () => claims.claim('matrix:$event1', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await claims.claim('matrix:$event2', 60_000)).toBe(true);
  });
});
