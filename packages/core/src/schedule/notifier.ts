import type { Logger } from 'pino';
import type { ChatAdapter, SentMessage } from '../chat/index.js';
import type { Document } from '../document/index.js';
import type { Metrics } from '../metrics/index.js';
import { createMemoryDeliveryLog } from './memory-stores.js';
import { createRateLimiter, declaredSendLimits, type SendLimitsByPlatform } from './rate-limits.js';
import { classifySendFailure } from './send-failure.js';
import { sleep } from '../async/index.js';
import type { DeliveryLog, Lease, ReportTarget } from './types.js';

/** One report to fan out. */
export interface Report {
  /** The report, e.g. `daily`. */
  readonly id: string;
  /** The occurrence, e.g. `2026-03-29T09:00`; with `id` and the target it forms the idempotency key. */
  readonly period: string;
  readonly document: Document;
  readonly targets: readonly ReportTarget[];
}

/** What happened at one target. */
export interface DeliveryOutcome {
  readonly target: ReportTarget;
  /** `sent`; `duplicate`: sent before (idempotency key found); `failed`; `no_adapter`; `aborted` (stop or a lost lease). */
  readonly outcome: 'sent' | 'duplicate' | 'failed' | 'no_adapter' | 'aborted';
  readonly attempts: number;
  /** The messages sent (for edits later), when `sent`. */
  readonly sent: readonly SentMessage[];
}

/** Retry policy of a target. */
export interface RetryPolicy {
  /** Attempts per target (default 12). */
  readonly attempts?: number;
  /** First backoff (default 1 000 ms), doubled per attempt. */
  readonly baseMs?: number;
  /** Longest backoff (default 60 000 ms). */
  readonly maxMs?: number;
  /** Give a target up after this long (default 15 minutes). */
  readonly deadlineMs?: number;
}

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  readonly adapters: readonly ChatAdapter[];
  /** Idempotency keys (default in memory; SQLite or Redis from `createSchedulesFromConfig`). */
  readonly deliveries?: DeliveryLog;
  /** Send limits per platform, replacing what the adapters declare (default: each adapter's `sendLimits`). */
  readonly limits?: SendLimitsByPlatform;
  readonly retry?: RetryPolicy;
  /** How long a reservation of an unconfirmed send blocks other senders (default 60 s). */
  readonly pendingTtlMs?: number;
  /** This process's name in reservations (default a random id). */
  readonly owner?: string;
  readonly metrics?: Metrics;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/** Fans reports out to rooms on several platforms. */
export interface Notifier {
  /**
   * Sends `report` to each of its targets at once, each under its platform's and room's rate
   * limits, retrying 429/5xx with backoff (honouring retry-after); a failing target never
   * delays the others. Resolves when every target is sent, known sent, or given up.
   */
  deliver(
    report: Report,
    options?: { readonly signal?: AbortSignal; readonly lease?: Lease },
  ): Promise<DeliveryOutcome[]>;
}

/** The idempotency key of one report occurrence at one target. */
export function deliveryKey(report: Pick<Report, 'id' | 'period'>, target: ReportTarget): string {
  return [report.id, report.period, target.platform, target.roomId, target.threadId ?? ''].join('|');
}

/**
 * Creates the notifier.
 *
 * @example
 * const notifier = createNotifier({ adapters: [matrix, telegram], metrics, logger });
 * await notifier.deliver({ id: 'daily', period: '2026-03-29', document: doc, targets });
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const adapters = new Map(options.adapters.map((a) => [a.platform, a]));
  const log = options.deliveries ?? createMemoryDeliveryLog();
  const limiter = createRateLimiter(options.limits ?? declaredSendLimits(options.adapters));
  const now = options.now ?? Date.now;
  const owner = options.owner ?? process.getBuiltinModule('node:crypto').randomUUID();
  const pendingTtlMs = options.pendingTtlMs ?? 60_000;
  const attempts = options.retry?.attempts ?? 12;
  const baseMs = options.retry?.baseMs ?? 1000;
  const maxMs = options.retry?.maxMs ?? 60_000;
  const deadlineMs = options.retry?.deadlineMs ?? 15 * 60_000;
  const logger = options.logger?.child({ component: 'notifier' });

  async function deliverOne(
    report: Report,
    target: ReportTarget,
    signal: AbortSignal | undefined,
    lease: Lease | undefined,
  ): Promise<DeliveryOutcome> {
    const result = (
      outcome: DeliveryOutcome['outcome'],
      tries: number,
      sent: readonly SentMessage[] = [],
    ): DeliveryOutcome => {
      options.metrics?.deliveries.inc({ platform: target.platform, outcome });
      const fields = {
        report: report.id,
        period: report.period,
        platform: target.platform,
        room: target.roomId,
        attempts: tries,
      };
      if (outcome === 'failed' || outcome === 'no_adapter') logger?.warn(fields, `delivery ${outcome}`);
      else logger?.debug(fields, `delivery ${outcome}`);
      return { target, outcome, attempts: tries, sent };
    };
    const adapter = adapters.get(target.platform);
    if (!adapter) return result('no_adapter', 0);
    const key = deliveryKey(report, target);
    const room =
      target.threadId === undefined
        ? { platform: target.platform, id: target.roomId }
        : { platform: target.platform, id: target.roomId, threadId: target.threadId };
    const started = now();
    let tries = 0;
    while (tries < attempts) {
      if (signal?.aborted) return result('aborted', tries);
      if (lease && !(await lease.valid())) return result('aborted', tries);
      const begun = await log.begin(key, owner, pendingTtlMs);
      if (begun === 'done') return result('duplicate', tries);
      if (begun === 'busy') {
        // Another sender holds the key; wait for it to confirm or for its reservation to lapse.
        if (now() - started > deadlineMs) return result('failed', tries);
        await sleep(Math.min(1000, pendingTtlMs / 4), signal);
        continue;
      }
      await sleep(limiter.reserve(target.platform, target.roomId, now()) - now(), signal);
      if (signal?.aborted) {
        await log.release(key, owner);
        return result('aborted', tries);
      }
      tries++;
      try {
        const sent = await adapter.send(room, report.document, { idempotencyKey: key });
        await log.confirm(key);
        return result('sent', tries, sent);
      } catch (error) {
        await log.release(key, owner);
        const failure = classifySendFailure(error);
        const waitMs = failure.retryAfterMs ?? Math.min(maxMs, baseMs * 2 ** (tries - 1));
        const giveUp = !failure.retryable || tries >= attempts || now() - started + waitMs > deadlineMs;
        logger?.warn(
          {
            err: error,
            report: report.id,
            platform: target.platform,
            room: target.roomId,
            status: failure.status,
            attempt: tries,
            retryInMs: giveUp ? undefined : waitMs,
          },
          giveUp ? 'delivery failed' : 'delivery failed, retrying',
        );
        if (giveUp) return result('failed', tries);
        options.metrics?.deliveries.inc({ platform: target.platform, outcome: 'retried' });
        await sleep(waitMs, signal);
      }
    }
    return result('failed', tries);
  }

  return {
    async deliver(report, deliverOptions = {}) {
      const { signal, lease } = deliverOptions;
      return Promise.all(
        report.targets.map((target) =>
          deliverOne(report, target, signal, lease).catch((err: unknown): DeliveryOutcome => {
            // the idempotency store failed (e.g. Redis down): count it, never block the others
            logger?.error(
              { err, report: report.id, platform: target.platform, room: target.roomId },
              'delivery failed',
            );
            options.metrics?.deliveries.inc({ platform: target.platform, outcome: 'failed' });
            return { target, outcome: 'failed', attempts: 0, sent: [] };
          }),
        ),
      );
    },
  };
}
