import { apiThrottler } from '@grammyjs/transformer-throttler';
import type { Transformer } from 'grammy';

/**
 * Outgoing rate limits, per Telegram's published limits by default: about 30 messages a second
 * overall, one a second per chat, 20 a minute per group.
 */
export interface ThrottleOptions {
  /** Calls per second over all chats (default 30). */
  readonly globalPerSecond?: number;
  /** Least time between two calls into one chat, ms (default 1000). */
  readonly perChatIntervalMs?: number;
  /** Calls per minute into one group (default 20). */
  readonly groupPerMinute?: number;
}

/** The grammY transformer that keeps calls with a `chat_id` within {@link ThrottleOptions}. */
export function throttler(options: ThrottleOptions): Transformer {
  const globalPerSecond = options.globalPerSecond ?? 30;
  const perChatIntervalMs = options.perChatIntervalMs ?? 1000;
  const groupPerMinute = options.groupPerMinute ?? 20;
  return apiThrottler({
    global: { reservoir: globalPerSecond, reservoirRefreshAmount: globalPerSecond, reservoirRefreshInterval: 1000 },
    group: {
      maxConcurrent: 1,
      minTime: perChatIntervalMs,
      reservoir: groupPerMinute,
      reservoirRefreshAmount: groupPerMinute,
      reservoirRefreshInterval: 60_000,
    },
    out: { maxConcurrent: 1, minTime: perChatIntervalMs },
  });
}
