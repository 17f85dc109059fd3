/**
 * Two replicas of the standard bot share a real Redis through a TCP proxy; the test cuts Redis
 * for 30 s while commands arrive (issue 13, item 12).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStandardBot, loadConfig } from '../../../src/app/index.js';
import { defineCommand, textDocument, type Bot } from '../../../src/index.js';
import { createMemoryAdapter, type MemoryAdapter } from '../../../src/testing/index.js';
import {
  connectRedis,
  dropPrefix,
  postFiringAlert,
  startRedisProxy,
  testPrefix,
  type RedisProxy,
} from '@stats/test-utils';

const BUDGET_MS = 4000;
const OUTAGE_MS = 30_000;

interface Replica {
  readonly bot: Bot;
  readonly adapter: MemoryAdapter;
}

let redis: Redis;
let proxy: RedisProxy;
let prefix: string;
let dataDir: string;
const replicas: Replica[] = [];
const consoleErrors: string[] = [];
const originalConsoleError = console.error;

const ping = defineCommand({ name: 'ping', summary: 'Answers pong', timeoutMs: BUDGET_MS, run: () => 'pong' });

async function metric(bot: Bot, name: string): Promise<number> {
  const url = bot.http?.url;
  if (url === undefined) throw new Error('the bot has no HTTP server');
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name) && !line.startsWith('#'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
const total = async (name: string): Promise<number> =>
  (await Promise.all(replicas.map((r) => metric(r.bot, name)))).reduce((a, b) => a + b, 0);

/** Answers to one message id, over both replicas. */
const answersTo = (id: string): number =>
  replicas.reduce((n, r) => n + r.adapter.sent.filter((s) => s.inReplyTo === id).length, 0);

/** Every replica receives the event (as on a platform); resolves once each replica has dealt with it, failing after the budget + 3 s. */
async function arrive(id: string, user: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${id} was not dealt with within its budget + 3 s`)), BUDGET_MS + 3000);
  });
  try {
    await Promise.race([
      Promise.all(replicas.map((r) => r.adapter.deliver('!ping', { id, user, direct: true }))),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  redis = await connectRedis();
  proxy = await startRedisProxy();
  prefix = testPrefix();
  dataDir = await mkdtemp(join(tmpdir(), 'stats-outage-'));
  console.error = (...args: unknown[]) => {
    consoleErrors.push(args.map(String).join(' '));
    originalConsoleError(...args);
  };
  const config = loadConfig({
    REDIS_URL: proxy.url,
    REDIS_KEY_PREFIX: prefix,
    TZ: 'UTC',
    LOG_LEVEL: 'silent',
    SESSION_STORE: 'memory',
    DATA_DIR: dataDir,
    REPORT_TARGETS: 'memory:reports',
    ALERTMANAGER_WEBHOOK_TOKEN: 'outage-test-token',
  });
  for (let i = 0; i < 2; i++) {
    const adapter = createMemoryAdapter();
    const every2s = { id: 'tick', cron: '*/2 * * * * *', timeZone: 'UTC', build: async () => textDocument('tick') };
    const bot = await createStandardBot(config, {
      adapters: [adapter],
      commands: [ping],
      schedules: [every2s],
      http: { port: 0, host: '127.0.0.1' },
      handleSignals: false,
    });
    await bot.start();
    replicas.push({ bot, adapter });
  }
}, 30_000);

afterAll(async () => {
  proxy.restore();
  for (const { bot } of replicas) await bot.stop();
  await proxy.stop();
  await dropPrefix(redis, prefix);
  await dropPrefix(redis, `${prefix.replace(/:$/, '')}-bull`);
  redis.disconnect();
  console.error = originalConsoleError;
  await rm(dataDir, { recursive: true, force: true });
});

describe('two replicas while Redis is down for 30 s', () => {
  it('loses no command, answers each within its budget + 3 s, counts duplicates, and answers nothing twice once Redis is back', async () => {
    // Redis up: one answer each.
    const before = ['before-1', 'before-2', 'before-3'];
    for (const [i, id] of before.entries()) await arrive(id, `@early${i}`);
    for (const id of before) expect(answersTo(id)).toBe(1);

    // Redis gone for 30 s while commands keep arriving.
    proxy.cut();
    const cutAt = Date.now();
    const during: string[] = [];
    let slowest = 0;
    let alert: Response | undefined;
    while (Date.now() - cutAt < OUTAGE_MS) {
      const id = `during-${during.length}`;
      during.push(id);
      const arrived = Date.now();
      await arrive(id, `@user${during.length}`);
      slowest = Math.max(slowest, Date.now() - arrived);
      if (during.length === 5) {
        // an alert during the outage must not bring the bot down either
        const url = replicas[0]?.bot.http?.url ?? '';
        alert = await postFiringAlert(url, 'outage-test-token', 'Outage').catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    for (const id of during) expect(answersTo(id)).toBeGreaterThanOrEqual(1);
    expect(alert).toBeDefined();
    expect(await total('stats_claims_unclaimed_total')).toBeGreaterThanOrEqual(during.length);

    // Redis back: the claims made without it are recorded, duplicates counted exactly.
    proxy.restore();
    await vi.waitFor(async () => expect(await total('stats_claims_pending')).toBe(0), {
      timeout: 20_000,
      interval: 250,
    });
    const answered = during.reduce((n, id) => n + answersTo(id), 0);
    expect(await total('stats_claims_possible_duplicates_total')).toBe(answered - during.length);
    if (process.env['STATS_DEBUG'])
      console.log(
        `outage: ${during.length} commands, ${answered} answers, unclaimed ${await total('stats_claims_unclaimed_total')}, late ${await total('stats_claims_recorded_late_total')}, slowest ${slowest} ms, alert answered ${alert?.status}`,
      );

    // Redelivered events (a platform retrying) are not answered again, by either replica.
    for (const [i, id] of [...before, ...during].entries()) await arrive(id, `@again${i}`);
    for (const id of before) expect(answersTo(id)).toBe(1);
    expect(during.reduce((n, id) => n + answersTo(id), 0)).toBe(answered);

    // New commands: one answer each again.
    for (const [i, id] of ['after-1', 'after-2'].entries()) await arrive(id, `@late${i}`);
    expect(answersTo('after-1')).toBe(1);
    expect(answersTo('after-2')).toBe(1);

    // The schedule survived and delivers again.
    const ticks = (): number =>
      replicas.flatMap((r) => r.adapter.sent).filter((m) => m.room.id === 'reports' && m.plain.includes('tick')).length;
    const ticksNow = ticks();
    // A guard, not a timing assertion: with other test files on the cores a tick can take a while.
    await vi.waitFor(() => expect(ticks()).toBeGreaterThan(ticksNow), { timeout: 45_000, interval: 250 });
    expect(consoleErrors.filter((line) => line.includes('Unhandled error event'))).toEqual([]);
  }, 120_000);
});
