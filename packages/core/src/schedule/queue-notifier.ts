import { randomUUID } from 'node:crypto';
import type { Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChatAdapter, SentMessage } from '../chat/index.js';
import type { Document } from '../document/index.js';
import type { Metrics } from '../metrics/index.js';
import { deliveryKey, type DeliveryOutcome, type Notifier, type Report, type RetryPolicy } from './notifier.js';
import { declaredSendLimits, type SendLimitsByPlatform } from './rate-limits.js';
import { redisErrorLog } from './redis-error-log.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { classifySendFailure } from './send-failure.js';
import { sleep } from '../async/index.js';
import type { DeliveryLog, ReportTarget } from './types.js';

/** Options of {@link createQueueNotifier}. */
export interface QueueNotifierOptions {
  /** An ioredis client made with `maxRetriesPerRequest: null` (BullMQ duplicates it for blocking reads). */
  readonly connection: Redis;
  /** BullMQ's key prefix (default `stats`); queues are `deliveries-<platform>`. */
  readonly prefix?: string;
  readonly adapters: readonly ChatAdapter[];
  /** Idempotency keys (Redis), checked again by the worker before each send. */
  readonly deliveries: DeliveryLog;
  /** Per-platform limits, kept together by every replica through buckets in Redis (default: each adapter's `sendLimits`). */
  readonly limits?: SendLimitsByPlatform;
  readonly retry?: RetryPolicy;
  /** Parallel sends per platform and replica (default 20). */
  readonly concurrency?: number;
  /** How long a worker's hold on a job lasts unless renewed (default 30 s); a dead replica's jobs are taken over after it. */
  readonly lockDurationMs?: number;
  readonly owner?: string;
  readonly metrics?: Metrics;
  readonly logger?: Logger;
}

/** A notifier whose deliveries go through durable BullMQ queues. */
export interface QueueNotifier extends Notifier {
  /** Starts this replica's workers. */
  start(): Promise<void>;
  /** Stops the workers (letting active sends finish) and closes the queues. */
  close(): Promise<void>;
}

interface DeliveryJob {
  readonly reportId: string;
  readonly period: string;
  readonly key: string;
  readonly target: ReportTarget;
  readonly document: Document;
}

interface DeliveryResult {
  readonly outcome: DeliveryOutcome['outcome'];
  readonly sent: readonly SentMessage[];
}

/** Carries the platform's retry-after to BullMQ's backoff strategy. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RetryLater';
  }
}

/**
 * A {@link Notifier} for replicas: each (report, period, target) becomes a BullMQ job whose id
 * is its idempotency key (adding it again is a no-op), processed by a worker on any replica,
 * retried with exponential backoff or the platform's retry-after, and taken over by another
 * replica when its worker dies (BullMQ's stalled-job check). `deliver` waits for the jobs.
 * BullMQ is loaded with a dynamic import: importing `@stats/core` never loads it.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const notifier = await createQueueNotifier({ connection: new Redis(url, { maxRetriesPerRequest: null }), adapters, deliveries });
 * await notifier.start();
 */
export async function createQueueNotifier(options: QueueNotifierOptions): Promise<QueueNotifier> {
  const { Queue, QueueEvents, Worker, UnrecoverableError, DelayedError } = await import('bullmq');
  const prefix = options.prefix ?? 'stats';
  const limits = options.limits ?? declaredSendLimits(options.adapters);
  const limiter = createRedisRateLimiter(options.connection, { prefix: `${prefix}:`, limits });
  const adapters = new Map(options.adapters.map((a) => [a.platform, a]));
  const owner = options.owner ?? randomUUID();
  const attempts = options.retry?.attempts ?? 12;
  const baseMs = options.retry?.baseMs ?? 1000;
  const maxMs = options.retry?.maxMs ?? 60_000;
  const deadlineMs = options.retry?.deadlineMs ?? 15 * 60_000;
  const lockDuration = options.lockDurationMs ?? 30_000;
  const logger = options.logger?.child({ component: 'notifier', queue: true });
  const queues = new Map<string, { queue: Queue; events: QueueEvents }>();
  /** Callers waiting for jobs, by job id; one listener per queue instead of one per job. */
  const waiters = new Map<string, ((result: DeliveryResult | undefined) => void)[]>();
  const settle = (jobId: string, result: DeliveryResult | undefined): void => {
    const list = waiters.get(jobId);
    if (!list) return;
    waiters.delete(jobId);
    for (const resolve of list) resolve(result);
  };
  /** Resolves with the job's result (`undefined`: it failed for good). */
  const waitFor = (jobId: string): Promise<DeliveryResult | undefined> =>
    new Promise((resolve) => {
      waiters.set(jobId, [...(waiters.get(jobId) ?? []), resolve]);
    });
  const workers: Worker[] = [];

  const count = (platform: string, outcome: string): void => {
    options.metrics?.deliveries.inc({ platform, outcome });
  };

  function queueOf(platform: string): { queue: Queue; events: QueueEvents } {
    let q = queues.get(platform);
    if (!q) {
      const name = `deliveries-${platform}`;
      q = {
        queue: new Queue(name, { connection: options.connection, prefix }),
        events: new QueueEvents(name, { connection: options.connection, prefix }),
      };
      const { queue } = q;
      const errors = redisErrorLog(logger, `queue ${name}`);
      queue.on('error', (error) => errors.error(error));
      q.events.on('error', (error) => errors.error(error));
      q.events.on('completed', ({ jobId, returnvalue }) =>
        settle(jobId, (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as DeliveryResult),
      );
      q.events.on('failed', ({ jobId }) => settle(jobId, undefined));
      // a job added again (a new leader after a crash) may have finished before anyone listened
      q.events.on('duplicated', ({ jobId }) => {
        if (!waiters.has(jobId)) return;
        queue.getJob(jobId).then(
          async (job) => {
            const state = job ? await job.getState() : 'unknown';
            if (state === 'completed') settle(jobId, job?.returnvalue as DeliveryResult);
            else if (state === 'failed' || state === 'unknown') settle(jobId, undefined);
          },
          (err: unknown) => logger?.warn({ err }, 'reading a queued delivery failed'),
        );
      });
      queues.set(platform, q);
    }
    return q;
  }

  async function processJob(job: Job<DeliveryJob, DeliveryResult>, token: string | undefined): Promise<DeliveryResult> {
    const { key, target, document } = job.data;
    const adapter = adapters.get(target.platform);
    if (!adapter) {
      count(target.platform, 'no_adapter');
      return { outcome: 'no_adapter', sent: [] };
    }
    const begun = await options.deliveries.begin(key, owner, lockDuration);
    if (begun === 'done') {
      count(target.platform, 'duplicate');
      return { outcome: 'duplicate', sent: [] };
    }
    if (begun === 'busy') {
      // a replica that died mid-send holds the key until its reservation lapses
      await job.moveToDelayed(Date.now() + Math.min(1000, lockDuration / 4), token);
      throw new DelayedError();
    }
    await sleep(await limiter.reserve(target.platform, target.roomId));
    const room =
      target.threadId === undefined
        ? { platform: target.platform, id: target.roomId }
        : { platform: target.platform, id: target.roomId, threadId: target.threadId };
    let sent: SentMessage[];
    try {
      sent = await adapter.send(room, document, { idempotencyKey: key });
    } catch (error) {
      await options.deliveries.release(key, owner);
      const failure = classifySendFailure(error);
      const tooLate = Date.now() - job.timestamp > deadlineMs;
      logger?.warn(
        {
          err: error,
          report: job.data.reportId,
          platform: target.platform,
          room: target.roomId,
          status: failure.status,
          attempt: job.attemptsMade + 1,
        },
        'delivery failed',
      );
      if (!failure.retryable || tooLate)
        throw new UnrecoverableError(`delivery to ${target.platform} failed with status ${failure.status}`);
      count(target.platform, 'retried');
      throw new RetryLater(
        `delivery to ${target.platform} failed with status ${failure.status}`,
        failure.retryAfterMs,
        { cause: error },
      );
    }
    // Sent: a confirm that fails now must not make the job fail, or its retry would send again;
    // the key stays reserved by this replica until its reservation lapses.
    await options.deliveries
      .confirm(key)
      .catch((error: unknown) =>
        logger?.warn(
          { err: error, report: job.data.reportId, platform: target.platform, room: target.roomId },
          'delivered, but its idempotency key could not be confirmed',
        ),
      );
    count(target.platform, 'sent');
    return { outcome: 'sent', sent };
  }

  const notifier: QueueNotifier = {
    async start() {
      const platforms = new Set([...adapters.keys()]);
      for (const platform of platforms) {
        const worker = new Worker<DeliveryJob, DeliveryResult>(`deliveries-${platform}`, processJob, {
          connection: options.connection,
          prefix,
          concurrency: options.concurrency ?? 20,
          lockDuration,
          stalledInterval: Math.max(100, lockDuration / 2),
          maxStalledCount: 5,
          settings: {
            backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
              err instanceof RetryLater && err.retryAfterMs !== undefined
                ? err.retryAfterMs
                : Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1)),
          },
        });
        worker.on('failed', (job, err) => {
          if (!job) return;
          const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
          if (final) count(job.data.target.platform, 'failed');
        });
        const workerErrors = redisErrorLog(logger, `worker ${platform}`);
        worker.on('error', (err) => workerErrors.error(err));
        workers.push(worker);
      }
      // queues and their event streams are opened now, not at the first report's time
      await Promise.all([
        ...workers.map((w) => w.waitUntilReady()),
        ...[...platforms].map((p) => queueOf(p).events.waitUntilReady()),
      ]);
    },
    async deliver(report: Report, deliverOptions = {}) {
      const { signal, lease } = deliverOptions;
      if (lease && !(await lease.valid()))
        return report.targets.map((target) => ({ target, outcome: 'aborted' as const, attempts: 0, sent: [] }));
      const byPlatform = new Map<string, ReportTarget[]>();
      for (const t of report.targets) byPlatform.set(t.platform, [...(byPlatform.get(t.platform) ?? []), t]);
      const waits: Promise<DeliveryOutcome>[] = [];
      const aborted = new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(new Error('aborted'));
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
      aborted.catch(() => undefined);
      // every platform's jobs are queued at once: each platform's limit runs in parallel
      await Promise.all(
        [...byPlatform].map(async ([platform, targets]) => {
          const { queue, events } = queueOf(platform);
          await events.waitUntilReady();
          const entries = targets.map((target) => {
            const key = deliveryKey(report, target);
            return { target, key, jobId: Buffer.from(key).toString('base64url') };
          });
          const timeout = new Promise<undefined>((resolve) =>
            setTimeout(() => resolve(undefined), deadlineMs + 60_000).unref(),
          );
          // listen before adding: a worker may finish a job before addBulk has answered
          for (const { target, jobId } of entries) {
            waits.push(
              Promise.race([waitFor(jobId), aborted, timeout]).then(
                (r): DeliveryOutcome =>
                  r
                    ? { target, outcome: r.outcome, attempts: 1, sent: r.sent }
                    : { target, outcome: 'failed', attempts: 0, sent: [] },
                (): DeliveryOutcome => ({ target, outcome: 'aborted', attempts: 0, sent: [] }),
              ),
            );
          }
          await queue.addBulk(
            entries.map(({ target, key, jobId }) => ({
              name: 'deliver',
              data: {
                reportId: report.id,
                period: report.period,
                key,
                target,
                document: {
                  blocks: report.document.blocks,
                  ...(report.document.tone ? { tone: report.document.tone } : {}),
                },
              },
              opts: {
                jobId,
                attempts,
                backoff: { type: 'custom' },
                removeOnComplete: { age: 7 * 86_400 },
                removeOnFail: { age: 7 * 86_400 },
              },
            })),
          );
        }),
      );
      const order = new Map(report.targets.map((t, i) => [t, i]));
      const outcomes = (await Promise.all(waits)).sort(
        (a, b) => (order.get(a.target) ?? 0) - (order.get(b.target) ?? 0),
      );
      // stop listening for jobs given up on (timeout, abort)
      for (const o of outcomes)
        if (o.outcome !== 'sent' && o.outcome !== 'duplicate')
          waiters.delete(Buffer.from(deliveryKey(report, o.target)).toString('base64url'));
      return outcomes;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].flatMap((q) => [q.queue.close(), q.events.close()]));
    },
  };
  return notifier;
}
