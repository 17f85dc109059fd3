import type { SendLimits } from '@stats/core';

/**
 * Discord's send limits: 50 requests a second per bot (the global limit) and 5 messages per
 * 5 s per channel. The adapter declares them as `sendLimits`, so the notifier keeps every
 * fan-out within them; discord.js itself waits out a 429 from its `Retry-After`.
 */
export const DISCORD_SEND_LIMITS: SendLimits = {
  global: { capacity: 50, perSecond: 50 },
  room: () => [{ capacity: 5, perSecond: 1 }],
};
