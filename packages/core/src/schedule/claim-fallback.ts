import type { Logger } from 'pino';
import { createRequire } from 'node:module';
import type { Counter, Gauge, Registry } from 'prom-client';
import type { Claims } from './types.js';

/** Options of {@link withClaimFallback}. */
export interface ClaimFallbackOptions {
  /** How long one claim may take before the message is handled without it, ms (default 750). */
  readonly timeoutMs?: number;
  /** How often keys handled without a claim are offered to the store again, ms (default 1,000). */
  readonly retryEveryMs?: number;
  /** At most this many such keys are kept; the oldest go first (default 10,000). */
  readonly maxPending?: number;
  /** Where `stats_claims_*` are registered (the bot's `/metrics`). */
  readonly registry?: Registry;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/** {@link Claims} that answer within a bound, also when their store is down. */
export interface ResilientClaims extends Claims {
  /** Keys handled without a claim, still to be recorded in the store. */
  readonly pending: number;
  /** Offers every pending key to the store now (also done every `retryEveryMs`). */
  flush(): Promise<void>;
  /** Stops the retry timer (a last flush is tried first). */
  close(): Promise<void>;
}

interface ClaimCounters {
  readonly unclaimed: Counter<'platform'>;
  readonly duplicates: Counter<'platform'>;
  readonly recorded: Counter<'platform'>;
  readonly pending: Gauge;
}

function countersIn(registry: Registry | undefined): ClaimCounters | undefined {
  if (registry === undefined) return undefined;
  // prom-client (CommonJS) loads with the first bot, not when `@stats/core` is imported.
  const { Counter, Gauge } = createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;
  const registers = [registry];
  return {
    unclaimed:
      existing<Counter<'platform'>>('stats_claims_unclaimed_total') ??
      new Counter({
        name: 'stats_claims_unclaimed_total',
        help: 'Messages handled without a claim (the claim store was down or slow)',
        labelNames: ['platform'],
        registers,
      }),
    duplicates:
      existing<Counter<'platform'>>('stats_claims_possible_duplicates_total') ??
      new Counter({
        name: 'stats_claims_possible_duplicates_total',
        help: 'Messages handled without a claim that another replica had claimed: possibly answered twice',
        labelNames: ['platform'],
        registers,
      }),
    recorded:
      existing<Counter<'platform'>>('stats_claims_recorded_late_total') ??
      new Counter({
        name: 'stats_claims_recorded_late_total',
        help: 'Messages handled without a claim whose claim was recorded once the store was back',
        labelNames: ['platform'],
        registers,
      }),
    pending:
      existing<Gauge>('stats_claims_pending') ??
      new Gauge({
        name: 'stats_claims_pending',
        help: 'Messages handled without a claim whose claim is not recorded yet',
        registers,
      }),
  };
}

const platformOf = (key: string): string => key.slice(0, Math.max(0, key.indexOf(':'))) || 'unknown';

/**
 * Rejects after `ms` (the claim is left to finish or fail on its own). When the timer fires,
 * the rejection waits one turn of the event loop (setImmediate): after a busy stretch the timer
 * and the reply become due together, and timers run before I/O, so an answer already on the
 * socket would otherwise lose to a timeout that is only an artefact of the busy loop.
 */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => setImmediate(() => reject(new Error(`claim took longer than ${ms} ms`))), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Wraps {@link Claims} so a message is never held by its store: a claim that fails or takes
 * longer than `timeoutMs` counts as won (the message is answered here, `stats_claims_unclaimed_total`)
 * and its key is kept in a local log. That log is offered to the store every `retryEveryMs`
 * until it answers: a key it takes is recorded, so a later replica or a redelivery does not
 * answer again (`stats_claims_recorded_late_total`); a key another replica claimed meanwhile
 * was possibly answered twice (`stats_claims_possible_duplicates_total`). A key still in the
 * local log is not answered a second time by this replica.
 */
export function withClaimFallback(claims: Claims, options: ClaimFallbackOptions = {}): ResilientClaims {
  const timeoutMs = options.timeoutMs ?? 750;
  const retryEveryMs = options.retryEveryMs ?? 1000;
  const maxPending = options.maxPending ?? 10_000;
  const now = options.now ?? Date.now;
  const counters = countersIn(options.registry);
  const logger = options.logger;
  /** key → when its claim would have expired, Unix ms (insertion order: oldest first). */
  const pending = new Map<string, { readonly until: number; readonly ttlMs: number }>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let lastWarned = 0;

  const track = (): void => {
    counters?.pending.set(pending.size);
    if (pending.size > 0 && timer === undefined) {
      timer = setInterval(() => void flush(), retryEveryMs);
      timer.unref();
    } else if (pending.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const flushOnce = async (): Promise<void> => {
    for (const [key, entry] of [...pending]) {
      const left = entry.until - now();
      if (left <= 0) {
        pending.delete(key);
        continue;
      }
      let won: boolean;
      try {
        won = await within((claims.record ?? claims.claim)(key, left), timeoutMs);
      } catch {
        return; // still down: the rest waits for the next round
      }
      pending.delete(key);
      if (won) counters?.recorded.inc({ platform: platformOf(key) });
      else {
        counters?.duplicates.inc({ platform: platformOf(key) });
        logger?.warn(
          { platform: platformOf(key) },
          'a message answered without a claim was claimed by another replica: possibly answered twice',
        );
      }
    }
  };

  const flush = (): Promise<void> =>
    (flushing ??= flushOnce().finally(() => {
      flushing = undefined;
      track();
    }));

  return {
    get pending() {
      return pending.size;
    },
    async claim(key, ttlMs) {
      if (pending.has(key)) return false; // answered here already, during the outage
      try {
        return await within(claims.claim(key, ttlMs), timeoutMs);
      } catch (error) {
        pending.set(key, { until: now() + ttlMs, ttlMs });
        if (pending.size > maxPending) {
          const oldest = pending.keys().next().value;
          if (oldest !== undefined) pending.delete(oldest);
        }
        counters?.unclaimed.inc({ platform: platformOf(key) });
        if (now() - lastWarned > 10_000) {
          lastWarned = now();
          logger?.warn(
            {
              err: error instanceof Error ? { name: error.name, message: error.message } : String(error),
              pending: pending.size,
            },
            'could not claim a message; answering it here and recording the claim later',
          );
        }
        track();
        return true;
      }
    },
    flush,
    async close() {
      if (pending.size > 0) await flush();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
