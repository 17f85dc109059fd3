import { apiThrottler } from '@grammyjs/transformer-throttler';
import type { Transformer } from 'grammy';

/**
 * Outgoing rate limits, per Telegram's published limits by default: about 30 messages a second
 * overall, one a second per chat, 20 a minute per group.
 */
export interface ThrottleOptions {
  /** Calls per second over all chats (default 30). */
  readonly globalPerSecond?: number;
  /** Least time between two messages into one chat, ms (default 1000). */
  readonly perChatIntervalMs?: number;
  /** Messages per minute into one group (default 20). */
  readonly groupPerMinute?: number;
}

/** Methods that send no message, so Telegram's per-chat message limits do not apply to them. */
const UNLIMITED = new Set(['sendChatAction', 'deleteMessage', 'setMyCommands', 'getMe', 'getUpdates']);

/**
 * The grammY transformer that keeps messages with a `chat_id` within {@link ThrottleOptions};
 * `typing` and deletions pass at once, so a reply is never queued behind its own typing action.
 */
export function throttler(options: ThrottleOptions): Transformer {
  const globalPerSecond = options.globalPerSecond ?? 30;
  const perChatIntervalMs = options.perChatIntervalMs ?? 1000;
  const groupPerMinute = options.groupPerMinute ?? 20;
  const throttled = apiThrottler({
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
  return (prev, method, payload, signal) =>
    UNLIMITED.has(method) ? prev(method, payload, signal) : throttled(prev, method, payload, signal);
}
