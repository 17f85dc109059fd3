import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../../chat/index.js';
import type { Command } from '../../commands/index.js';
import type { StatsConfig } from '../config/index.js';
import type { Document } from '../../document/index.js';
import type { Metrics } from '../../metrics/index.js';
import { lazyStores } from './lazy-stores.js';
import {
  createNotifier,
  type DeliveryOutcome,
  type Notifier,
  type Report,
  type RetryPolicy,
} from '../../schedule/notifier.js';
import { createQueueNotifier, type QueueNotifier } from '../../schedule/queue-notifier.js';
import type { SendLimitsByPlatform } from '../../schedule/rate-limits.js';
import { createSharedRedis, type SharedRedis } from '../redis/shared-redis.js';
import { sharedRedisClaims, type SharedClaims } from '../redis/shared-redis-claims.js';
import { createRedisScheduleStores } from '../../schedule/redis-stores.js';
import { createScheduleCommand } from '../../schedule/schedule-command.js';
import { createScheduler, type Scheduler } from '../../schedule/scheduler.js';
import { createSqliteScheduleStores } from '../../schedule/sqlite-stores.js';
import { targetsFromConfig } from './targets.js';
import type {
  Claims,
  ReportBuilder,
  ReportPeriod,
  ReportTarget,
  ScheduledJob,
  ScheduleSpec,
} from '../../schedule/types.js';

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
  readonly limits?: SendLimitsByPlatform;
  readonly retry?: RetryPolicy;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  /** With Redis: how long a delivery job stays with a dead replica before another takes it (default 30 s). */
  readonly lockDurationMs?: number;
  /** This replica's name in leases and reservations (default a random id). */
  readonly owner?: string;
  readonly now?: () => number;
  /**
   * With `REDIS_URL`: the bot's shared Redis client (`createStandardBot` passes its own); the
   * schedule opens one of its own, and closes it on stop, when absent.
   */
  readonly redis?: SharedRedis;
  /** Called with each report's outcomes once delivered (scheduled reports and relayed alerts): the status page's feed. */
  readonly onDelivered?: (report: Pick<Report, 'id' | 'period'>, outcomes: readonly DeliveryOutcome[]) => void;
}

/** The wired schedules of a bot. */
export interface Schedules {
  readonly scheduler: Scheduler;
  readonly notifier: Notifier;
  /** `!schedule`. */
  readonly commands: readonly Command[];
  readonly targets: readonly ReportTarget[];
  /** With `REDIS_URL`: message claims for `createBot({ claims })` on the shared client, so one replica answers each message. */
  readonly claims: Claims | undefined;
  /** The same start/stop as a `createBot` service: `createBot({ services: [schedules.service] })`. */
  readonly service: { readonly name: string; start(): Promise<void>; stop(): Promise<void> };
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
  const targets = targetsFromConfig(config, new Set(options.adapters.map((adapter) => adapter.platform)));
  const jobs: ScheduledJob[] = [];
  if (options.buildDaily)
    jobs.push({
      id: 'daily',
      cron: config.schedule.dailyCron,
      description: 'Daily report',
      targets,
      build: options.buildDaily,
    });
  if (options.buildWeekly)
    jobs.push({
      id: 'weekly',
      cron: config.schedule.weeklyCron,
      description: 'Weekly report',
      targets,
      build: options.buildWeekly,
    });
  for (const spec of options.schedules ?? []) jobs.push({ ...spec, targets: spec.targets ?? targets });
  const redis = config.redis;
  let queue: Promise<QueueNotifier> | undefined;
  /** The shared client given, else one of the schedule's own (closed on stop). */
  const ownRedis =
    redis && options.redis === undefined
      ? createSharedRedis(redis.url, { name: 'stats', logger: options.logger, metrics: options.metrics })
      : undefined;
  const shared = redis ? (options.redis ?? ownRedis) : undefined;
  const stores = lazyStores(async () => {
    if (shared && redis) {
      // the blocking-tolerant connection: a delivery's idempotency key waits for Redis rather
      // than failing after its send (which would release the key and send again)
      const client = await shared.blocking();
      return { ...createRedisScheduleStores(client, { prefix: redis.keyPrefix }), close: async () => undefined };
    }
    await mkdir(config.dataDir, { recursive: true });
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(config.dataDir, 'schedule.db'));
    return { ...createSqliteScheduleStores(db, options.now), close: async () => void db.close() };
  });
  const common = {
    adapters: options.adapters,
    deliveries: stores.deliveries,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
  };
  const local = createNotifier({ ...common, ...(options.now ? { now: options.now } : {}) });
  const openQueue = (): Promise<QueueNotifier> =>
    (queue ??= (async () => {
      if (!shared || !redis) throw new Error('Redis is not configured');
      const q = await createQueueNotifier({
        ...common,
        connection: await shared.blocking(),
        prefix: `${redis.keyPrefix.replace(/:$/, '')}-bull`,
        ...(options.lockDurationMs !== undefined ? { lockDurationMs: options.lockDurationMs } : {}),
      });
      await q.start();
      return q;
    })());
  const unobserved: Notifier = redis ? { deliver: async (report, o) => (await openQueue()).deliver(report, o) } : local;
  const onDelivered = options.onDelivered;
  const notifier: Notifier = onDelivered
    ? {
        deliver: async (report, o) => {
          const outcomes = await unobserved.deliver(report, o);
          onDelivered(report, outcomes);
          return outcomes;
        },
      }
    : unobserved;
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
    ...(options.owner ? { owner: options.owner } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const start = async (): Promise<void> => {
    if (redis) await openQueue(); // this replica delivers queued jobs from now on
    await claims?.open();
    await scheduler.start();
  };
  const stop = async (): Promise<void> => {
    await scheduler.stop();
    if (queue) await (await queue).close();
    queue = undefined;
    await stores.close();
    await ownRedis?.close();
  };
  // Claims use the shared client, not BullMQ's connection: that one waits for Redis without
  // bound, a message must not (see the schedule README, "When Redis is down").
  const claims: SharedClaims | undefined =
    shared && redis
      ? sharedRedisClaims(() => shared.client(), {
          prefix: redis.keyPrefix,
          ...(options.owner ? { owner: options.owner } : {}),
        })
      : undefined;
  return {
    scheduler,
    notifier,
    claims,
    commands: [createScheduleCommand(scheduler)],
    targets,
    service: { name: 'schedules', start, stop },
    start,
    stop,
  };
}
