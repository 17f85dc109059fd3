import type { Guard } from '../middleware.js';

/** Where the bot author's middleware (`createBot({ middleware })`) runs, in their order. */
export const userMiddleware: Guard = {
  name: 'middleware',
  setup: (bot) => () => (bot.middleware.length === 0 ? undefined : bot.middleware),
};
