import type { SendLimits } from '@stats/core';

/**
 * Telegram's published send limits (grammY's "Scaling up" notes, the Bot FAQ): about 30
 * messages a second per bot, one a second per chat, and 20 a minute per group (negative chat
 * ids). The adapter declares them as `sendLimits`, so the notifier keeps every fan-out within
 * them, and throttles its own calls by them.
 */
export const TELEGRAM_SEND_LIMITS: SendLimits = {
  global: { capacity: 30, perSecond: 30 },
  room: (chatId) =>
    chatId.startsWith('-')
      ? [
          { capacity: 1, perSecond: 1 },
          { capacity: 20, perSecond: 20 / 60 },
        ]
      : [{ capacity: 1, perSecond: 1 }],
};
