import { createRateLimiter, type SendLimits } from '@stats/core';
import type { Transformer } from 'grammy';

/** Methods that send no message, so Telegram's per-chat message limits do not apply to them. */
const UNLIMITED = new Set(['sendChatAction', 'deleteMessage', 'setMyCommands', 'getMe', 'getUpdates']);

/**
 * The grammY transformer that keeps calls into a chat (a `chat_id`) within `limits` (usually
 * `TELEGRAM_SEND_LIMITS`), through the core's rate limiter: each call reserves its slot
 * when it is made, so calls go out in order and concurrent senders never overdraw a bucket.
 * `typing` and deletions pass at once, so a reply is never queued behind its own typing action.
 */
export function throttler(limits: SendLimits): Transformer {
  const limiter = createRateLimiter({ telegram: limits });
  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (UNLIMITED.has(method) || (typeof chatId !== 'number' && typeof chatId !== 'string')) {
      return prev(method, payload, signal);
    }
    const now = Date.now();
    const wait = limiter.reserve('telegram', String(chatId), now) - now;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return prev(method, payload, signal);
  };
}
