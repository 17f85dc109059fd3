import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryDeliveryLog,
  createMetrics,
  createNotifier,
  textDocument,
  UpstreamError,
  type DeliveryLog,
  type SendLimits,
  type RoomRef,
  type SentMessage,
} from '@stats/core';
import { createRedisScheduleStores } from '@stats/core/stores/redis';
import { createSqliteScheduleStores } from '@stats/core/stores/sqlite';
import { MemoryAdapter } from '@stats/core/testing';
import { connectRedis, dropPrefix, testPrefix } from '@stats/test-utils';

const FAST: Record<string, SendLimits> = {
  matrix: { room: () => [{ capacity: 2, perSecond: 100 }] },
  telegram: { global: { capacity: 10, perSecond: 200 }, room: () => [{ capacity: 1, perSecond: 100 }] },
  discord: { global: { capacity: 10, perSecond: 200 }, room: () => [{ capacity: 5, perSecond: 100 }] },
};
const RETRY = { baseMs: 5, maxMs: 50, attempts: 20, deadlineMs: 10_000 };

/** A chat platform that answers 429 (with retry-after) to one room until `until()` says stop. */
class LimitedAdapter extends MemoryAdapter {
  refused = 0;
  constructor(
    platform: string,
    private readonly limitedRoom: string,
    private readonly limited: () => boolean,
    private readonly status = 429,
  ) {
    super({ platform });
  }
  override async send(room: RoomRef, doc: Parameters<MemoryAdapter['send']>[1]): Promise<SentMessage[]> {
    if (room.id === this.limitedRoom && this.limited()) {
      this.refused++;
      throw new UpstreamError(
        this.platform,
        this.status,
        `${this.platform} answered ${this.status}`,
        'rate limited',
        this.status === 429,
        { retryAfterMs: 20 },
      );
    }
    return super.send(room, doc);
  }
}

let redis: Redis;
const prefixes: string[] = [];
beforeAll(async () => {
  redis = await connectRedis();
});
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(redis, p);
  redis.disconnect();
});

const logs: Record<string, () => DeliveryLog> = {
  memory: () => createMemoryDeliveryLog(),
  sqlite: () => createSqliteScheduleStores(new Database(':memory:')).deliveries,
  redis: () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return createRedisScheduleStores(redis, { prefix }).deliveries;
  },
};

describe.each(Object.keys(logs))('notifier with the %s idempotency log', (kind) => {
  const makeLog = logs[kind] as () => DeliveryLog;

  it('fans one report out to rooms on three platforms, once each, also when delivered again', async () => {
    const adapters = ['matrix', 'telegram', 'discord'].map((p) => new MemoryAdapter({ platform: p }));
    const metrics = createMetrics({ processMetrics: false });
    const notifier = createNotifier({ adapters, deliveries: makeLog(), limits: FAST, retry: RETRY, metrics });
    const targets = adapters.flatMap((a) =>
      [1, 2, 3].map((i) => ({ platform: a.platform, roomId: `${a.platform}-${i}` })),
    );
    const report = { id: 'daily', period: '2026-06-01T09:00', document: textDocument('hello'), targets };
    const first = await notifier.deliver(report);
    const again = await notifier.deliver(report);
    expect(first.map((o) => o.outcome)).toEqual(Array(9).fill('sent'));
    expect(again.map((o) => o.outcome)).toEqual(Array(9).fill('duplicate'));
    for (const a of adapters)
      expect(a.sent.map((s) => s.room.id).sort()).toEqual([1, 2, 3].map((i) => `${a.platform}-${i}`));
    const text = await metrics.registry.getSingleMetricAsString('stats_deliveries_total');
    expect(text).toMatch(/platform="telegram",outcome="sent"} 3/);
    expect(text).toMatch(/platform="discord",outcome="duplicate"} 3/);
  });

  it('delivers to a room answering 429 once the limit lifts, without delaying the others', async () => {
    let limited = true;
    const order: string[] = [];
    const telegram = new LimitedAdapter('telegram', 'busy', () => limited);
    const matrix = new MemoryAdapter({ platform: 'matrix', onSend: (r) => order.push(r.room.id) });
    const notifier = createNotifier({
      adapters: [telegram, matrix],
      deliveries: makeLog(),
      limits: FAST,
      retry: RETRY,
    });
    const targets = [
      { platform: 'telegram', roomId: 'busy' },
      ...[1, 2, 3, 4].map((i) => ({ platform: 'matrix', roomId: `room-${i}` })),
    ];
    const delivering = notifier.deliver({ id: 'weekly', period: 'w1', document: textDocument('hi'), targets });
    // lift the limit only after every other room has its report
    while (order.length < 4) await new Promise((r) => setTimeout(r, 5));
    expect(telegram.sent).toHaveLength(0);
    limited = false;
    const outcomes = await delivering;
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(telegram.refused).toBeGreaterThan(0);
    expect(telegram.sent.map((s) => s.room.id)).toEqual(['busy']);
  });

  it('gives up a room that refuses for good and still serves the others', async () => {
    const discord = new LimitedAdapter('discord', 'gone', () => true, 403);
    const metrics = createMetrics({ processMetrics: false });
    const notifier = createNotifier({
      adapters: [discord],
      deliveries: makeLog(),
      limits: FAST,
      retry: RETRY,
      metrics,
    });
    const outcomes = await notifier.deliver({
      id: 'daily',
      period: 'p',
      document: textDocument('x'),
      targets: [
        { platform: 'discord', roomId: 'gone' },
        { platform: 'discord', roomId: 'ok' },
        { platform: 'slack', roomId: 'c1' },
      ],
    });
    expect(outcomes.map((o) => [o.outcome, o.attempts])).toEqual([
      ['failed', 1],
      ['sent', 1],
      ['no_adapter', 0],
    ]);
    expect(await metrics.registry.getSingleMetricAsString('stats_deliveries_total')).toMatch(
      /platform="discord",outcome="failed"} 1/,
    );
  });
});

describe('notifier fencing', () => {
  it('stops sending when its lease is lost', async () => {
    const adapter = new MemoryAdapter({ platform: 'matrix' });
    const notifier = createNotifier({ adapters: [adapter], limits: FAST });
    const lease = { fence: 1, valid: async () => false, renew: async () => false, release: async () => undefined };
    const outcomes = await notifier.deliver(
      { id: 'd', period: 'p', document: textDocument('x'), targets: [{ platform: 'matrix', roomId: 'r' }] },
      { lease },
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['aborted']);
    expect(adapter.sent).toHaveLength(0);
  });

  it('waits for another live sender of the same key instead of sending twice', async () => {
    const log = createMemoryDeliveryLog();
    expect(await log.begin('k', 'replica-a', 60_000)).toBe('send');
    expect(await log.begin('k', 'replica-b', 60_000)).toBe('busy');
    await log.confirm('k');
    expect(await log.begin('k', 'replica-b', 60_000)).toBe('done');
  });
});
