import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_WEBHOOK_PATH,
  createAlertRelay,
  createAlertsFromConfig,
  createRedisAlertMessageStore,
  loadConfig,
} from '@stats/core/app';
import { createBot, createMetrics, createNotifier, type Bot } from '@stats/core';
import { MemoryAdapter } from '@stats/core/testing';
import { connectRedis, dropPrefix, testPrefix } from '@stats/test-utils';

const TOKEN = 'a-webhook-token-of-some-length';

function payload(status: 'firing' | 'resolved', labels: Record<string, string>, receiver = 'stats') {
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels['alertname']}"}`,
    status,
    receiver,
    groupLabels: { alertname: labels['alertname'] },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://am.example',
    truncatedAlerts: 0,
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `${labels['alertname']} summary` },
        startsAt: '2026-06-01T07:00:00Z',
        endsAt: status === 'resolved' ? '2026-06-01T07:10:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: `fp-${labels['alertname']}`,
      },
    ],
  };
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

async function post(bot: Bot, body: unknown, token = TOKEN): Promise<number> {
  const res = await fetch(`${bot.http?.url}${ALERTMANAGER_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('Alertmanager relay routing and state', () => {
  it('routes by receiver and label, and sends a new message where edits are impossible', async () => {
    const matrix = new MemoryAdapter({ platform: 'matrix' });
    const telegram = new MemoryAdapter({ platform: 'telegram', capabilities: { edit: false } });
    const config = loadConfig({ ALERTMANAGER_WEBHOOK_TOKEN: TOKEN, REPORT_TARGETS: 'matrix:!ops:hs' });
    const metrics = createMetrics({ processMetrics: false });
    const alerts = createAlertsFromConfig(config, {
      metrics,
      adapters: [matrix, telegram],
      notifier: createNotifier({ adapters: [matrix, telegram] }),
      targets: [{ platform: 'matrix', roomId: '!ops:hs' }],
      routes: [
        { labels: { team: 'db' }, targets: [{ platform: 'telegram', roomId: '-100' }] },
        { receiver: 'pager', targets: [{ platform: 'matrix', roomId: '!pager:hs' }] },
      ],
    });
    const bot = createBot({
      adapters: [matrix, telegram],
      metrics,
      http: { port: 0, host: '127.0.0.1' },
      services: [alerts.service],
    });
    await bot.start();
    try {
      expect(await post(bot, payload('firing', { alertname: 'DiskFull', team: 'db' }))).toBe(200);
      expect(await post(bot, payload('firing', { alertname: 'Down' }, 'pager'))).toBe(200);
      expect(await post(bot, payload('firing', { alertname: 'Slow' }))).toBe(200);
      await alerts.relay?.settled();
      expect(telegram.sent.map((s) => s.room.id)).toEqual(['-100']);
      expect(matrix.sent.map((s) => s.room.id).sort()).toEqual(['!ops:hs', '!pager:hs']);
      expect(await post(bot, payload('resolved', { alertname: 'DiskFull', team: 'db' }))).toBe(200);
      await alerts.relay?.settled();
      expect(telegram.sent.map((s) => s.plain.split('\n')[0])).toEqual([
        '🔥 FIRING: DiskFull',
        '✅ RESOLVED: DiskFull',
      ]);
      expect(await post(bot, { version: '3' })).toBe(400);
      const rejected = await bot.metrics.registry.getSingleMetricAsString('stats_webhook_rejected_total');
      expect(rejected).toMatch(/reason="bad_payload"} 1/);
    } finally {
      await bot.stop();
    }
  });

  it('lets another replica edit the message through the Redis store', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const adapter = new MemoryAdapter({ platform: 'matrix' });
    const replica = () =>
      createAlertRelay({
        adapters: [adapter],
        notifier: createNotifier({ adapters: [adapter] }),
        token: TOKEN,
        defaultTargets: [{ platform: 'matrix', roomId: '!ops:hs' }],
        store: createRedisAlertMessageStore(redis, { prefix }),
      });
    const a = replica();
    const b = replica();
    await a.relay(payload('firing', { alertname: 'Hot' }) as Parameters<typeof a.relay>[0]);
    await b.relay(payload('resolved', { alertname: 'Hot' }) as Parameters<typeof b.relay>[0]);
    expect(adapter.sent).toHaveLength(1);
    expect(adapter.edits.map((e) => e.sent.id)).toEqual([adapter.sent[0]?.id]);
    expect(await b.store.get('{}:{alertname="Hot"}')).toBeUndefined();
  });
});
