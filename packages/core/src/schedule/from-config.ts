import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../chat/index.js';
import type { Command } from '../commands/index.js';
import type { StatsConfig } from '../config/index.js';
import type { Document } from '../document/index.js';
import type { Metrics } from '../metrics/index.js';
import { lazyStores } from './lazy-stores.js';
import { createNotifier, type Notifier, type RetryPolicy } from './notifier.js';
import type { PlatformLimits } from './rate-limits.js';
import { createRedisScheduleStores } from './redis-stores.js';
import { createScheduleCommand } from './schedule-command.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { createSqliteScheduleStores } from './sqlite-stores.js';
import { targetsFromConfig } from './targets.js';
import type { ReportPeriod, ReportTarget, ScheduledJob } from './types.js';

/** Builds a scheduled report of one period. */
export type ReportBuilder = (period: ReportPeriod, options: { readonly signal: AbortSignal }) => Promise<Document>;

/** A schedule a bot author or a custom command declares; targets default to the configured ones. */
export type ScheduleSpec = Omit<ScheduledJob, 'targets'> & { readonly targets?: readonly ReportTarget[] };

/** Options of {@link createSchedulesFromConfig}. */
export interface SchedulesFromConfigOptions {
  readonly adapters: readonly ChatAdapter[];
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** The daily report (`DAILY_REPORT_CRON`, default 09:00); left out when absent. */
  readonly buildDaily?: ReportBuilder;
  /** The weekly report (`WEEKLY_REPORT_CRON`, default Monday 09:00); left out when absent. */
  readonly buildWeekly?: ReportBuilder;
  /** More schedules, e.g. declared by custom commands. */
  readonly schedules?: readonly ScheduleSpec[];
  readonly limits?: Readonly<Record<string, PlatformLimits>>;
  readonly retry?: RetryPolicy;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly now?: () => number;
}

/** The wired schedules of a bot. */
export interface Schedules {
  readonly scheduler: Scheduler;
  readonly notifier: Notifier;
  /** `!schedule`. */
  readonly commands: readonly Command[];
  readonly targets: readonly ReportTarget[];
  start(): Promise<void>;
  /** Stops the scheduler and closes the stores it opened. */
  stop(): Promise<void>;
}

/**
 * Wires the daily and weekly reports (and any further schedules) from configuration: targets
 * from `MATRIX_REPORT_ROOM_ID` / `TELEGRAM_REPORT_CHAT_ID` / `DISCORD_REPORT_CHANNEL_ID` /
 * `REPORT_TARGETS`, crons from `DAILY_REPORT_CRON` / `WEEKLY_REPORT_CRON` in `TZ`, catch-up
 * within `SCHEDULE_GRACE`. With `REDIS_URL`, last runs, leases and idempotency keys live in
 * Redis (replicas agree); otherwise in SQLite at `DATA_DIR/schedule.db`.
 *
 * @throws ConfigError when `REPORT_TARGETS` is malformed.
 * @example
 * const schedules = createSchedulesFromConfig(config, { adapters, logger, metrics, buildDaily, buildWeekly });
 * await schedules.start();
 */
export function createSchedulesFromConfig(config: StatsConfig, options: SchedulesFromConfigOptions): Schedules {
  const targets = targetsFromConfig(config);
  const jobs: ScheduledJob[] = [];
  if (options.buildDaily) jobs.push({ id: 'daily', cron: config.schedule.dailyCron, description: 'Daily report', targets, build: options.buildDaily });
  if (options.buildWeekly) jobs.push({ id: 'weekly', cron: config.schedule.weeklyCron, description: 'Weekly report', targets, build: options.buildWeekly });
  for (const spec of options.schedules ?? []) jobs.push({ ...spec, targets: spec.targets ?? targets });
  const redis = config.redis;
  const stores = lazyStores(async () => {
    if (redis) {
      const { Redis } = await import('ioredis');
      const client = new Redis(redis.url, { maxRetriesPerRequest: 3, lazyConnect: false });
      return { ...createRedisScheduleStores(client, { prefix: redis.keyPrefix }), close: async () => void (await client.quit()) };
    }
    await mkdir(config.dataDir, { recursive: true });
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(config.dataDir, 'schedule.db'));
    return { ...createSqliteScheduleStores(db, options.now), close: async () => void db.close() };
  });
  const notifier = createNotifier({
    adapters: options.adapters,
    deliveries: stores.deliveries,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const scheduler = createScheduler({
    jobs,
    notifier,
    timeZone: config.timeZone,
    graceMs: config.schedule.graceMs,
    store: stores.schedule,
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    scheduler,
    notifier,
    commands: [createScheduleCommand(scheduler)],
    targets,
    start: () => scheduler.start(),
    stop: async () => {
      await scheduler.stop();
      await stores.close();
    },
  };
}
