import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectRedis,
  dropPrefix,
  spawnBot,
  TEST_REDIS_URL as REDIS_URL,
  testPrefix,
  type BotProcess,
} from '@stats/test-utils';
import { startSink, type Sink } from './sink.js';

const ROOMS = 24;
const PLATFORMS = ['matrix', 'telegram', 'discord'];

interface Replica {
  readonly name: string;
  readonly process: BotProcess;
  readonly leads: string[];
  /** Resolves when the bot has started (rejects when the process died first). */
  readonly ready: Promise<void>;
}

let redis: Redis;
const prefixes: string[] = [];
let running: Replica[] = [];
let sink: Sink;

beforeAll(async () => {
  redis = await connectRedis();
});
afterEach(async () => {
  await Promise.all(running.map((r) => r.process.terminate('SIGTERM')));
  running = [];
  await sink?.stop();
});
afterAll(async () => {
  for (const p of prefixes) {
    await dropPrefix(redis, p);
    await dropPrefix(redis, `${p.replace(/:$/, '')}-bull`);
  }
  redis.disconnect();
});

function spawnReplica(name: string, env: Record<string, string>, booted: () => void): Replica {
  const replica = spawnBot('packages/core/test/app/schedule/fixtures/replica.ts', {
    baseEnv: 'inherit',
    env: { ...env, REPLICA: name },
  });
  const leads: string[] = [];
  replica.onLine((line) => {
    if (line === 'booted') booted();
    if (line.startsWith('lead ')) leads.push(line.slice(5));
  });
  const ready = replica.waitForLog((_entry, line) => line === 'ready', { timeoutMs: 60_000 }).then(() => undefined);
  ready.catch(() => undefined);
  return { name, process: replica, leads, ready };
}

async function startReplicas(
  count: number,
  extraEnv: Record<string, string> = {},
): Promise<{ prefix: string; baseline: number }> {
  sink = await startSink();
  const prefix = testPrefix();
  prefixes.push(prefix);
  // the bot has run before (so a replica that comes up late catches the run up)
  const baseline = Date.now();
  await redis.set(`${prefix}schedule:last:fanout`, String(baseline));
  const env = { SINK_URL: sink.url, REDIS_URL, PREFIX: prefix, ROOMS: String(ROOMS), RATE: '6', ...extraEnv };
  let booted = 0;
  running = Array.from({ length: count }, (_, i) =>
    spawnReplica(`replica-${i + 1}`, env, () => {
      // once every process has loaded, the report is due in three whole seconds
      if (++booted === count) sink.go(String(Math.ceil((Date.now() + 3000) / 1000) * 1000));
    }),
  );
  return { prefix, baseline };
}

/** Every target got the report once (as shown in the room), none missing. */
function expectEachTargetOnce(s: Sink): void {
  const rooms = s.shown.map((x) => `${x.platform}/${x.room}`).sort();
  const expected = PLATFORMS.flatMap((p) => Array.from({ length: ROOMS }, (_, i) => `${p}/${p}-room-${i}`)).sort();
  expect(rooms).toEqual(expected);
}

describe('replicas sharing Redis (real processes)', () => {
  it('answers each command once and delivers the report once to every target with 2 replicas', async () => {
    await startReplicas(2);
    await Promise.all(running.map((r) => r.ready));
    for (let i = 0; i < 10; i++)
      for (const p of PLATFORMS)
        sink.push({ id: `${p}-m${i}`, platform: p, room: `${p}-room-0`, user: 'alice', text: '!ping' });
    await sink.until(() => sink.replies.length >= 30 && sink.shown.length >= ROOMS * PLATFORMS.length);
    await sink.until(() => running.some((r) => r.leads.length > 0));
    expect(new Set(sink.replies.map((r) => r.messageId)).size).toBe(30);
    expect(sink.replies).toHaveLength(30);
    expectEachTargetOnce(sink);
    expect(sink.received).toHaveLength(ROOMS * PLATFORMS.length);
    expect(running.flatMap((r) => r.leads)).toHaveLength(1);
  }, 60_000);

  it('runs the standard bot (createStandardBot) as 2 replicas: commands and the report once each', async () => {
    await startReplicas(2, { STANDARD: '1' });
    await Promise.all(running.map((r) => r.ready));
    for (let i = 0; i < 6; i++)
      for (const p of PLATFORMS)
        sink.push({ id: `std-${p}-${i}`, platform: p, room: `${p}-room-2`, user: 'carol', text: '!ping' });
    await sink.until(() => sink.replies.length >= 18 && sink.shown.length >= ROOMS * PLATFORMS.length);
    await sink.until(() => running.some((r) => r.leads.length > 0));
    expect(sink.replies).toHaveLength(18);
    expect(new Set(sink.replies.map((r) => r.messageId)).size).toBe(18);
    expectEachTargetOnce(sink);
    expect(sink.received).toHaveLength(ROOMS * PLATFORMS.length);
  }, 60_000);

  it('still delivers the report once to every target when the leader is killed mid-fan-out (3 replicas)', async () => {
    const { prefix, baseline } = await startReplicas(3);
    const total = ROOMS * PLATFORMS.length;
    await sink.until(() => sink.shown.length >= total / 4);
    const leader = running.find((r) => r.leads.length > 0);
    if (!leader) throw new Error('no replica announced that it runs the report');
    await leader.process.terminate('SIGKILL');
    const shownAtKill = sink.shown.length;
    expect(shownAtKill).toBeLessThan(total);
    // the same commands still get exactly one answer from the survivors
    for (let i = 0; i < 5; i++)
      sink.push({ id: `after-kill-${i}`, platform: 'telegram', room: 'telegram-room-1', user: 'bob', text: '!ping' });
    await sink.until(() => sink.shown.length >= total && sink.replies.length >= 5);
    // another replica took the lease over and finished the run
    await sink.until(() => running.some((r) => r !== leader && r.leads.length > 0));
    expectEachTargetOnce(sink);
    expect(sink.replies).toHaveLength(5);
    if (process.env['STATS_DEBUG'])
      console.log(`resent after the kill (shown once by key): ${sink.received.length - sink.shown.length}`);
    expect(sink.replies.every((r) => r.replica !== leader.name)).toBe(true);
    const late = sink.shown.slice(shownAtKill);
    expect(late.every((s) => s.replica !== leader.name)).toBe(true);
    // the new leader saw every queued delivery finish and marked the run done
    await vi.waitFor(
      async () => expect(Number(await redis.get(`${prefix}schedule:last:fanout`))).toBeGreaterThan(baseline),
      { timeout: 20_000, interval: 100 },
    );
  }, 90_000);
});
