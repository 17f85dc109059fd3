import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMetrics,
  createNotifier,
  createScheduler,
  textDocument,
  type ReportPeriod,
  type ScheduledJob,
} from '@stats/core';
import { createSqliteScheduleStores } from '@stats/core/stores/sqlite';
import { MemoryAdapter } from '@stats/core/testing';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function harness(start: string, dbPath?: string) {
  let t = Date.parse(start);
  const clock = { now: () => t, set: (iso: string) => (t = Date.parse(iso)), advance: (ms: number) => (t += ms) };
  const adapter = new MemoryAdapter({ platform: 'matrix' });
  const periods: ReportPeriod[] = [];
  const job: ScheduledJob = {
    id: 'daily',
    cron: '0 9 * * *',
    targets: [{ platform: 'matrix', roomId: '!ops:hs' }],
    build: async (period) => {
      periods.push(period);
      return textDocument(`report ${period.key}`);
    },
  };
  const db = dbPath ? new Database(dbPath) : undefined;
  const stores = db ? createSqliteScheduleStores(db, clock.now) : undefined;
  const metrics = createMetrics({ processMetrics: false });
  const notifier = createNotifier({
    adapters: [adapter],
    metrics,
    now: clock.now,
    ...(stores ? { deliveries: stores.deliveries } : {}),
  });
  const scheduler = createScheduler({
    jobs: [job],
    notifier,
    now: clock.now,
    timeZone: 'Europe/Berlin',
    ...(stores ? { store: stores.schedule } : {}),
  });
  return { clock, adapter, periods, scheduler, metrics, close: () => db?.close() };
}

/** Steps the injected clock minute by minute, checking at each step like the timer would. */
async function runUntil(h: Pick<ReturnType<typeof harness>, 'clock' | 'scheduler'>, iso: string): Promise<void> {
  const end = Date.parse(iso);
  while (h.clock.now() < end) {
    h.clock.advance(5 * 60_000);
    await h.scheduler.tick();
  }
}

describe('scheduler in Europe/Berlin', () => {
  it('sends the daily report once a day across the March change', async () => {
    const h = harness('2026-03-27T12:00:00Z');
    await h.scheduler.start();
    await runUntil(h, '2026-03-31T12:00:00Z');
    await h.scheduler.stop();
    expect(h.periods.map((p) => [p.key, new Date(p.scheduledAt).toISOString()])).toEqual([
      ['2026-03-28T09:00', '2026-03-28T08:00:00.000Z'],
      ['2026-03-29T09:00', '2026-03-29T07:00:00.000Z'],
      ['2026-03-30T09:00', '2026-03-30T07:00:00.000Z'],
      ['2026-03-31T09:00', '2026-03-31T07:00:00.000Z'],
    ]);
    expect(h.adapter.sent.map((s) => s.plain)).toEqual([
      'report 2026-03-28T09:00',
      'report 2026-03-29T09:00',
      'report 2026-03-30T09:00',
      'report 2026-03-31T09:00',
    ]);
  });

  it('sends the daily report once a day across the October change', async () => {
    const h = harness('2026-10-23T12:00:00Z');
    await h.scheduler.start();
    await runUntil(h, '2026-10-26T12:00:00Z');
    await h.scheduler.stop();
    expect(h.periods.map((p) => new Date(p.scheduledAt).toISOString())).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
    expect(await h.metrics.registry.getSingleMetricAsString('stats_deliveries_total')).toMatch(
      /platform="matrix",outcome="sent"} 3/,
    );
  });

  it('sends no history on the very first start', async () => {
    const h = harness('2026-06-01T07:30:00Z'); // 09:30 Berlin, the 09:00 run is 30 min old
    await h.scheduler.start();
    await runUntil(h, '2026-06-01T20:00:00Z');
    expect(h.adapter.sent).toHaveLength(0);
    await h.scheduler.stop();
  });

  it('catches up a run missed while down, once, within the grace period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stats-schedule-'));
    dirs.push(dir);
    const path = join(dir, 'schedule.db');
    const first = harness('2026-06-01T06:00:00Z', path);
    await first.scheduler.start();
    await runUntil(first, '2026-06-01T07:30:00Z'); // 01 June sent at 09:00 Berlin
    await first.scheduler.stop();
    first.close();
    expect(first.periods.map((p) => p.key)).toEqual(['2026-06-01T09:00']);

    // down from 09:30 on 1 June to 10:15 on 2 June: the 2 June run is 75 min late
    const second = harness('2026-06-02T08:15:00Z', path);
    await second.scheduler.start();
    await runUntil(second, '2026-06-02T09:00:00Z');
    await second.scheduler.stop();
    second.close();
    expect(second.periods.map((p) => [p.key, p.catchUp])).toEqual([['2026-06-02T09:00', true]]);

    // restarted again right away: already sent, not again
    const third = harness('2026-06-02T08:20:00Z', path);
    await third.scheduler.start();
    await runUntil(third, '2026-06-02T09:00:00Z');
    await third.scheduler.stop();
    third.close();
    expect(third.periods).toHaveLength(0);
  });

  it('skips a run missed longer ago than the grace period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stats-schedule-'));
    dirs.push(dir);
    const path = join(dir, 'schedule.db');
    const first = harness('2026-06-01T06:00:00Z', path);
    await first.scheduler.start();
    await first.scheduler.stop();
    first.close();
    const second = harness('2026-06-02T10:30:00Z', path); // 12:30 Berlin: 3.5 h late
    await second.scheduler.start();
    await second.scheduler.tick();
    await second.scheduler.stop();
    second.close();
    expect(second.periods).toHaveLength(0);
  });

  it('lists the jobs with their next run', async () => {
    const h = harness('2026-03-28T12:00:00Z');
    expect(h.scheduler.list()).toEqual([
      expect.objectContaining({
        id: 'daily',
        cron: '0 9 * * *',
        timeZone: 'Europe/Berlin',
        nextRun: Date.parse('2026-03-29T07:00:00Z'),
      }),
    ]);
  });

  it('retries a report whose build failed, later within the grace period', async () => {
    const h = harness('2026-06-01T06:00:00Z');
    let failures = 1;
    const flaky = createScheduler({
      jobs: [
        {
          id: 'flaky',
          cron: '0 9 * * *',
          targets: [{ platform: 'matrix', roomId: '!ops:hs' }],
          build: async (period) => {
            if (failures-- > 0) throw new Error('upstream down');
            return textDocument(`late ${period.key}`);
          },
        },
      ],
      notifier: createNotifier({ adapters: [h.adapter], now: h.clock.now }),
      now: h.clock.now,
    });
    await flaky.start();
    await runUntil({ clock: h.clock, scheduler: flaky }, '2026-06-01T08:00:00Z');
    await flaky.stop();
    expect(h.adapter.sent.map((s) => s.plain)).toEqual(['late 2026-06-01T09:00']);
  });
});
