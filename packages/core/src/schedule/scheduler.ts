import type { Logger } from 'pino';
import { cronTime, wallClock, type CronTime } from './cron-time.js';
import { createMemoryScheduleStore } from './memory-stores.js';
import type { Metrics } from '../metrics/index.js';
import type { DeliveryOutcome, Notifier } from './notifier.js';
import { sleep } from '../async/index.js';
import type { ReportPeriod, ScheduledJob, ScheduleStore } from './types.js';

/** Options of {@link createScheduler}. */
export interface SchedulerOptions {
  readonly jobs: readonly ScheduledJob[];
  /** Sends the built reports. */
  readonly notifier: Notifier;
  /** The default zone of jobs (default `Europe/Berlin`). */
  readonly timeZone?: string;
  /** A run missed while down is sent when the bot is back within this long (default 2 h). */
  readonly graceMs?: number;
  /** Last runs and leases (default in memory: no catch-up across restarts). */
  readonly store?: ScheduleStore;
  /** How long a lease lasts unless renewed (default 30 s); a dead holder is replaced after it. */
  readonly leaseMs?: number;
  /** The longest pause between checks (default 10 s: a dead holder's run is taken over within lease + poll). */
  readonly pollMs?: number;
  /** This replica's name in leases (default a random id). */
  readonly owner?: string;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Exports `stats_schedule_overdue_seconds` (a due run no replica took: replicas without a leader). */
  readonly metrics?: Pick<Metrics, 'scheduleOverdue'>;
}

/** A job as `!schedule` shows it. */
export interface ScheduleInfo {
  readonly id: string;
  readonly cron: string;
  readonly timeZone: string;
  readonly description: string | undefined;
  readonly targets: ScheduledJob['targets'];
  /** The next run, Unix ms. */
  readonly nextRun: number | undefined;
}

/** Runs jobs on their cron schedules. */
export interface Scheduler {
  /** Records a baseline for new jobs, starts catching up missed runs (without waiting for them), then checks on timers. */
  start(): Promise<void>;
  /** Stops the timers and waits for runs in progress (their sends are aborted). */
  stop(): Promise<void>;
  /** Runs every occurrence that is due now (timers call it; tests call it with an injected clock). */
  tick(): Promise<void>;
  /** The jobs and their next runs. */
  list(): ScheduleInfo[];
  /** Builds and sends one occurrence now (used by `tick`; exposed for `!report now`). */
  run(jobId: string, scheduledAt: number, catchUp?: boolean): Promise<DeliveryOutcome[] | undefined>;
}

/** A stable name of an occurrence in its zone: `2026-03-29T09:00` (`+1` for the repeated fall-back hour). */
export function periodKey(scheduledAt: number, timeZone: string): string {
  const wall = wallClock(scheduledAt, timeZone);
  const key = new Date(wall).toISOString().slice(0, 16);
  // the second 02:30 of a fall-back night has the same wall time as the first
  return wall - wallClock(scheduledAt - 3_600_000, timeZone) < 3_600_000 ? `${key}+1` : key;
}

/**
 * Creates a scheduler. Each due occurrence runs once: under a lease from the store (so with
 * Redis exactly one replica runs it, and another takes over when the holder dies), and is
 * marked done when sent. A run missed while the bot was down is sent once when it starts
 * again within `graceMs`; older ones are skipped (logged). A job never seen before starts
 * from now: the first start sends no history.
 *
 * @example
 * const scheduler = createScheduler({ jobs: [{ id: 'daily', cron: '0 9 * * *', targets, build }], notifier });
 * await scheduler.start();
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const zone = options.timeZone ?? 'Europe/Berlin';
  const graceMs = options.graceMs ?? 7_200_000;
  const store = options.store ?? createMemoryScheduleStore(options.now);
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 10_000;
  const owner = options.owner ?? process.getBuiltinModule('node:crypto').randomUUID();
  const now = options.now ?? Date.now;
  const logger = options.logger?.child({ component: 'scheduler' });
  const ids = new Set<string>();
  const jobs = options.jobs.map((job) => {
    if (ids.has(job.id)) throw new TypeError(`Two scheduled jobs are named "${job.id}"`);
    ids.add(job.id);
    return { job, cron: cronTime(job.cron, job.timeZone ?? zone) as CronTime };
  });
  const byId = new Map(jobs.map((j) => [j.job.id, j]));
  const running = new Map<string, Promise<DeliveryOutcome[] | undefined>>();
  const backoff = new Map<string, { until: number; failures: number }>();
  let stopper = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<Promise<unknown>[]> | undefined;
  let started = false;

  async function runOnce(jobId: string, scheduledAt: number, catchUp: boolean): Promise<DeliveryOutcome[] | undefined> {
    const entry = byId.get(jobId);
    if (!entry) throw new TypeError(`No scheduled job "${jobId}"`);
    const { job, cron } = entry;
    const lease = await store.acquire(jobId, scheduledAt, owner, leaseMs);
    if (!lease) return undefined;
    const signal = stopper.signal;
    const renew = setInterval(
      () => {
        lease.renew().then(
          (kept) => {
            if (!kept) logger?.warn({ job: jobId }, 'lease lost');
          },
          (err: unknown) => logger?.warn({ err, job: jobId }, 'lease renewal failed'),
        );
      },
      Math.max(10, leaseMs / 3),
    );
    renew.unref();
    const period: ReportPeriod = {
      jobId,
      scheduledAt,
      previousAt: cron.previous(scheduledAt - 1, 32 * 86_400_000),
      key: periodKey(scheduledAt, cron.timeZone),
      timeZone: cron.timeZone,
      catchUp,
    };
    const log = { job: jobId, period: period.key, catchUp, fence: lease.fence };
    try {
      logger?.info(log, catchUp ? 'catching up a missed run' : 'running');
      const document = await job.build(period, { signal });
      const outcomes = await options.notifier.deliver(
        { id: jobId, period: period.key, document, targets: job.targets },
        { signal, lease },
      );
      if (outcomes.some((o) => o.outcome === 'aborted')) {
        logger?.warn(log, 'run interrupted; it will be resumed');
        await lease.release();
        return outcomes;
      }
      await store.complete(jobId, scheduledAt);
      backoff.delete(`${jobId}@${scheduledAt}`);
      logger?.info(
        {
          ...log,
          sent: outcomes.filter((o) => o.outcome === 'sent').length,
          failed: outcomes.filter((o) => o.outcome === 'failed').length,
        },
        'run done',
      );
      return outcomes;
    } catch (err) {
      const key = `${jobId}@${scheduledAt}`;
      const failures = (backoff.get(key)?.failures ?? 0) + 1;
      backoff.set(key, { failures, until: now() + Math.min(600_000, 5000 * 2 ** (failures - 1)) });
      logger?.error({ ...log, err, failures }, 'building the report failed; retrying later within the grace period');
      await lease.release();
      return undefined;
    } finally {
      clearInterval(renew);
    }
  }

  function run(jobId: string, scheduledAt: number, catchUp = false): Promise<DeliveryOutcome[] | undefined> {
    const key = `${jobId}@${scheduledAt}`;
    let p = running.get(key);
    if (!p) {
      p = runOnce(jobId, scheduledAt, catchUp).finally(() => running.delete(key));
      running.set(key, p);
    }
    return p;
  }

  /** Starts every due run; resolves (with the runs, still going) once the checks are done. */
  async function checkAll(): Promise<Promise<unknown>[]> {
    const t = now();
    const started: Promise<unknown>[] = [];
    await Promise.all(
      jobs.map(async ({ job, cron }) => {
        const due = cron.previous(t, graceMs);
        if (due === undefined) {
          options.metrics?.scheduleOverdue.set({ schedule: job.id }, 0);
          return;
        }
        const last = await store.lastRun(job.id);
        options.metrics?.scheduleOverdue.set(
          { schedule: job.id },
          last === undefined || last >= due ? 0 : (t - due) / 1000,
        );
        if (last !== undefined && last >= due) return;
        if (last === undefined) {
          await store.baseline(job.id, t);
          return;
        }
        if ((backoff.get(`${job.id}@${due}`)?.until ?? 0) > t) return;
        const skipped = cron.previous(due - 1, Math.max(0, due - 1 - last));
        if (skipped !== undefined && skipped > last)
          logger?.warn({ job: job.id }, 'runs older than the grace period were missed and are skipped');
        started.push(
          run(job.id, due, t - due > pollMs).catch((err: unknown) =>
            logger?.error({ err, job: job.id }, 'scheduled run failed'),
          ),
        );
      }),
    );
    return started;
  }

  /** One check at a time; a long fan-out does not hold later checks up. */
  function check(): Promise<Promise<unknown>[]> {
    checking ??= checkAll().finally(() => {
      checking = undefined;
    });
    return checking;
  }

  async function tick(): Promise<void> {
    await Promise.all(await check());
  }

  function arm(): void {
    if (!started) return;
    const t = now();
    const next = Math.min(...jobs.map(({ cron }) => cron.next(t) ?? Infinity));
    const delay = Math.max(0, Math.min(pollMs, next - t));
    timer = setTimeout(() => {
      check()
        .catch((err: unknown) => logger?.error({ err }, 'schedule check failed'))
        .finally(arm);
    }, delay);
    timer.unref();
  }

  return {
    async start() {
      if (started) return;
      started = true;
      stopper = new AbortController();
      const t = now();
      await Promise.all(jobs.map(({ job }) => store.baseline(job.id, t)));
      // catch-up runs start now and go on in the background (each catches its own error; stop() waits for them)
      void (await check());
      arm();
      logger?.info({ jobs: jobs.map(({ job }) => job.id), owner }, 'scheduler started');
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      stopper.abort();
      await Promise.allSettled([...running.values(), checking]);
      await sleep(0);
    },
    tick,
    list() {
      const t = now();
      return jobs.map(({ job, cron }) => ({
        id: job.id,
        cron: job.cron,
        timeZone: cron.timeZone,
        description: job.description,
        targets: job.targets,
        nextRun: cron.next(t),
      }));
    },
    run,
  };
}
