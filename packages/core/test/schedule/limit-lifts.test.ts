import { afterEach, expect, it, vi } from 'vitest';
import {
  createMemoryDeliveryLog,
  createMetrics,
  createNotifier,
  textDocument,
  UpstreamError,
  type RoomRef,
  type SendLimits,
  type SentMessage,
} from '@stats/core';
import { MemoryAdapter } from '@stats/core/testing';

afterEach(() => {
  vi.useRealTimers();
});

/** Limits the fake Telegram declares: 30/s per bot and 1/s per chat, as Telegram's own. */
const TELEGRAM_LIMITS: SendLimits = {
  global: { capacity: 30, perSecond: 30 },
  room: () => [{ capacity: 1, perSecond: 1 }],
};

/** Telegram answering 429 (retry after 5 s) to one chat for its first 30 s. */
class FloodedTelegram extends MemoryAdapter {
  readonly sentAt = new Map<string, number>();
  refusals = 0;
  constructor(private readonly until: number) {
    super({ platform: 'telegram', sendLimits: TELEGRAM_LIMITS });
  }
  override async send(room: RoomRef, doc: Parameters<MemoryAdapter['send']>[1]): Promise<SentMessage[]> {
    if (room.id === '-1001' && Date.now() < this.until) {
      this.refusals++;
      throw new UpstreamError('telegram', 429, 'Too Many Requests: retry after 5', 'rate limited', true, {
        retryAfterMs: 5000,
      });
    }
    this.sentAt.set(room.id, Date.now());
    return super.send(room, doc);
  }
}

it('delivers to a chat refusing with 429 for 30 s once the limit lifts, while the others get theirs at once', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-06-01T07:00:00Z') });
  const start = Date.now();
  const telegram = new FloodedTelegram(start + 30_000);
  const metrics = createMetrics({ processMetrics: false });
  const notifier = createNotifier({
    adapters: [telegram],
    deliveries: createMemoryDeliveryLog(),
    metrics,
  });
  const targets = [
    { platform: 'telegram', roomId: '-1001' },
    ...Array.from({ length: 20 }, (_, i) => ({ platform: 'telegram', roomId: String(5000 + i) })),
  ];
  const delivering = notifier.deliver({
    id: 'daily',
    period: '2026-06-01T09:00',
    document: textDocument('report'),
    targets,
  });
  await vi.advanceTimersByTimeAsync(60_000);
  const outcomes = await delivering;

  expect(outcomes.map((o) => o.outcome)).toEqual(Array(21).fill('sent'));
  const others = [...telegram.sentAt].filter(([room]) => room !== '-1001').map(([, at]) => at - start);
  expect(others).toHaveLength(20);
  expect(Math.max(...others)).toBeLessThan(1000); // within Telegram's 30/s: not held up by the flooded chat
  const flooded = (telegram.sentAt.get('-1001') ?? 0) - start;
  expect(flooded).toBeGreaterThanOrEqual(30_000);
  expect(flooded).toBeLessThanOrEqual(35_000); // the first retry after the limit lifted
  expect(telegram.refusals).toBe(6); // at 0, 5, 10, 15, 20 and 25 s
  expect(await metrics.registry.getSingleMetricAsString('stats_deliveries_total')).toMatch(
    /platform="telegram",outcome="retried"} 6/,
  );
});
