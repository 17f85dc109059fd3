import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withClaimFallback } from '../../../src/schedule/index.js';
import { createSharedRedis } from '../../../src/app/redis/shared-redis.js';
import { sharedRedisClaims } from '../../../src/app/redis/shared-redis-claims.js';
import { createRedisClaims } from '../../../src/schedule/redis-stores.js';
import { connectRedis, dropPrefix, startRedisProxy, testPrefix, type RedisProxy } from '@stats/test-utils';

let redis: Redis;
let proxy: RedisProxy;
const prefix = testPrefix();
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await connectRedis();
  proxy = await startRedisProxy();
});
afterAll(async () => {
  proxy.restore();
  for (const claims of opened) await claims.close();
  await proxy.stop();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

async function value(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

describe('Redis claims', () => {
  it('records a late claim for its own owner only', async () => {
    const a = createRedisClaims(redis, { prefix, owner: 'replica-a' });
    const b = createRedisClaims(redis, { prefix, owner: 'replica-b' });
    expect(await a.claim('matrix:$1', 60_000)).toBe(true);
    expect(await b.claim('matrix:$1', 60_000)).toBe(false);
    // a claim that timed out on the caller's side but reached Redis is this replica's
    expect(await a.record?.('matrix:$1', 60_000)).toBe(true);
    expect(await b.record?.('matrix:$1', 60_000)).toBe(false);
    expect(await b.record?.('matrix:$2', 60_000)).toBe(true);
  });
});

describe('claims while Redis is cut (TCP proxy)', () => {
  it('answers at once, not twice here, records the claim when Redis is back, and counts a duplicate', async () => {
    const registry = new Registry();
    const shared = createSharedRedis(proxy.url, { name: 'claims-test' });
    opened.push(shared);
    const own = sharedRedisClaims(() => shared.client(), { prefix, owner: 'replica-a' });
    await own.open();
    const claims = withClaimFallback(own, { registry, timeoutMs: 750, retryEveryMs: 100 });
    const other = createRedisClaims(redis, { prefix, owner: 'replica-b' });
    expect(await claims.claim('telegram:1', 60_000)).toBe(true);

    proxy.cut();
    expect(await claims.claim('telegram:2', 60_000)).toBe(true);
    expect(await claims.claim('telegram:3', 60_000)).toBe(true);
    expect(await claims.claim('telegram:2', 60_000)).toBe(false); // a redelivery to this replica
    expect(claims.pending).toBe(2);
    expect(await value(registry, 'stats_claims_unclaimed_total')).toBe(2);
    // meanwhile another replica, still on Redis, claimed event 3 and answered it too
    expect(await other.claim('telegram:3', 60_000)).toBe(true);

    proxy.restore();
    await vi.waitFor(() => expect(claims.pending).toBe(0), { timeout: 10_000, interval: 50 });
    expect(await value(registry, 'stats_claims_recorded_late_total')).toBe(1);
    expect(await value(registry, 'stats_claims_possible_duplicates_total')).toBe(1);
    // event 2 is recorded: another replica seeing it now does not answer
    expect(await other.claim('telegram:2', 60_000)).toBe(false);
    await claims.close();
  });
});
