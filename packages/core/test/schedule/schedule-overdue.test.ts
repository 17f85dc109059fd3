import { describe, expect, it } from 'vitest';
import {
  createMemoryScheduleStore,
  createMetrics,
  createNotifier,
  createScheduler,
  textDocument,
  type ScheduleStore,
  type ScheduledJob,
} from '@stats/core';
import { MemoryAdapter } from '@stats/core/testing';

// stats_schedule_overdue_seconds: the alert "replicas without a leader" (deploy/prometheus)
// fires when a due run waits and no replica takes its lease.
const job: ScheduledJob = {
  id: 'daily',
  cron: '0 9 * * *',
  targets: [{ platform: 'matrix', roomId: '!ops:hs' }],
  build: async () => textDocument('report'),
};

async function overdue(metrics: ReturnType<typeof createMetrics>): Promise<number | undefined> {
  return (await metrics.scheduleOverdue.get()).values.find((v) => v.labels.schedule === 'daily')?.value;
}

function replica(store: ScheduleStore, now: () => number) {
  const metrics = createMetrics({ processMetrics: false });
  const adapter = new MemoryAdapter({ platform: 'matrix' });
  const notifier = createNotifier({ adapters: [adapter], metrics, now });
  return {
    metrics,
    scheduler: createScheduler({ jobs: [job], notifier, store, now, timeZone: 'Europe/Berlin', metrics }),
  };
}

describe('stats_schedule_overdue_seconds', () => {
  it('grows while no replica can take the lease of a due run, and is 0 once a replica ran it', async () => {
    let t = Date.parse('2026-06-01T06:00:00Z'); // 08:00 in Berlin
    const now = (): number => t;
    const shared = createMemoryScheduleStore(now);
    // Every replica is stuck: the lease cannot be taken (Redis unreachable, a holder that hangs).
    const stuck: ScheduleStore = {
      ...shared,
      lastRun: (id) => shared.lastRun(id),
      baseline: (id, at) => shared.baseline(id, at),
      complete: (id, at) => shared.complete(id, at),
      acquire: () => Promise.resolve(undefined),
    };
    const a = replica(stuck, now);
    await a.scheduler.start();
    expect(await overdue(a.metrics)).toBe(0);
    t = Date.parse('2026-06-01T07:20:00Z'); // 09:20 in Berlin: the 09:00 run is 20 minutes late
    await a.scheduler.tick();
    expect(await overdue(a.metrics)).toBe(20 * 60);
    await a.scheduler.stop();

    // A healthy replica on the same store takes the lease and runs it; then nothing is overdue.
    const b = replica(shared, now);
    await b.scheduler.start();
    await b.scheduler.tick();
    await b.scheduler.tick();
    expect(await overdue(b.metrics)).toBe(0);
    await b.scheduler.stop();
  });
});
