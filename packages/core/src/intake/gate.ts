import type { AdapterMetrics } from '../chat/adapter-metrics.js';
import type { Platform } from '../chat/types.js';
import type { HandledLog } from './handled-log.js';

/**
 * After a restart, messages younger than this are answered and older ones dropped (5 minutes;
 * `CATCH_UP_WINDOW` in the application's configuration).
 */
export const DEFAULT_CATCH_UP_WINDOW_MS = 300_000;

/** How long past the catch-up window a handled id is kept (clock skew, slow syncs). */
const KEEP_PAST_WINDOW_MS = 3_600_000;
/** Records between two calls of {@link HandledLog.forget}. */
const FORGET_EVERY = 500;

/** What the gate decided about one received message. */
export type IntakeDecision = 'handle' | 'duplicate' | 'too_old';

/** Options of {@link createIntakeGate}. */
export interface IntakeGateOptions {
  /** The platform, for the drop counter's label. */
  readonly platform: Platform;
  /** Where the adapter keeps handled ids. */
  readonly log: HandledLog;
  /** Messages sent longer ago than this are dropped (default {@link DEFAULT_CATCH_UP_WINDOW_MS}). */
  readonly catchUpWindowMs?: number | undefined;
  /** The clock, Unix ms (default `Date.now`). */
  readonly now?: () => number;
  /** Counts each drop in `stats_messages_dropped_total{platform,reason}`. */
  readonly metrics?: AdapterMetrics | undefined;
}

/** The one catch-up and de-duplication policy, shared by every adapter. */
export interface IntakeGate {
  /** The earliest send time answered: the start of the catch-up window, or `notBefore` when later. */
  cutoff(notBefore?: number): number;
  /**
   * Decides on a received message: `duplicate` when it was handled before or is being handled;
   * `too_old` when it was sent before {@link IntakeGate.cutoff} (recorded as handled, so it stays
   * dropped); else `handle`, and the message is in flight until {@link IntakeGate.finish}.
   * Drops are counted.
   */
  admit(id: string, sentAt: number, notBefore?: number): Promise<IntakeDecision>;
  /** Records a message as handled once its handling ended (or it was dropped for another reason). */
  finish(id: string, sentAt: number): Promise<void>;
  /** Messages admitted and not yet finished. */
  readonly inFlight: number;
}

/**
 * Creates the gate an adapter puts in front of its delivery: one catch-up window, one
 * de-duplication across restarts (through the adapter's {@link HandledLog}) and in flight, and
 * one rule for forgetting old records.
 *
 * @example
 * const handled = new Map<string, number>();
 * const gate = createIntakeGate({ platform: 'telegram', log: { has: (id) => handled.has(id), add: (id, at) => void handled.set(id, at) } });
 * const sentAt = Date.now();
 * if ((await gate.admit('update-1', sentAt)) === 'handle') {
 *   try {
 *     // hand the message to the bot (context.onMessage)
 *   } finally {
 *     await gate.finish('update-1', sentAt);
 *   }
 * }
 */
export function createIntakeGate(options: IntakeGateOptions): IntakeGate {
  const { platform, log, metrics } = options;
  const now = options.now ?? Date.now;
  const windowMs = options.catchUpWindowMs ?? DEFAULT_CATCH_UP_WINDOW_MS;
  const inFlight = new Set<string>();
  let sinceForget = 0;
  const forget = (): void => {
    sinceForget = 0;
    log.forget?.(now() - windowMs - KEEP_PAST_WINDOW_MS);
  };
  const drop = (reason: IntakeDecision): IntakeDecision => {
    metrics?.messagesDropped.inc({ platform, reason });
    return reason;
  };
  const cutoff = (notBefore = 0): number => Math.max(notBefore, now() - windowMs);
  const finish = async (id: string, sentAt: number): Promise<void> => {
    sinceForget += 1;
    if (sinceForget >= FORGET_EVERY) forget();
    // In flight until the log holds it: a log that records asynchronously must not let a
    // repeated delivery through in between.
    inFlight.add(id);
    try {
      await log.add(id, sentAt);
    } finally {
      inFlight.delete(id);
    }
  };
  forget();
  return {
    cutoff,
    async admit(id, sentAt, notBefore) {
      if (inFlight.has(id) || log.has(id)) return drop('duplicate');
      if (sentAt < cutoff(notBefore)) {
        await finish(id, sentAt);
        return drop('too_old');
      }
      inFlight.add(id);
      return 'handle';
    },
    finish,
    get inFlight() {
      return inFlight.size;
    },
  };
}
