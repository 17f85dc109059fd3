import { StatsError } from '../../errors/index.js';
import type { Guard } from '../middleware.js';
import { UserRateLimiter } from '../rate-limiter.js';
import { Silent } from './util.js';

/**
 * Limits how often one user may run commands (a token bucket per platform and user, shared by
 * all commands of the bot): the first refusal is answered with the wait, the next ones are not.
 */
export const rateLimit: Guard = {
  name: 'rate-limit',
  setup(bot) {
    if (bot.rateLimit === false) return () => undefined;
    const limiter = new UserRateLimiter(bot.rateLimit);
    const fallback = bot.rateLimit;
    return (command) => {
      const rate = command.rateLimit === undefined ? fallback : command.rateLimit;
      if (rate === false) return undefined;
      return (ctx, next) => {
        const message = ctx.message;
        const verdict = limiter.take(`${message.platform}:${message.sender.id}`, bot.now(), rate);
        if (verdict.allowed) return next();
        if (!verdict.firstRefusal) throw new Silent();
        const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        throw new StatsError('rate_limited', `rate limited for ${seconds}s`, `Slow down: try again in ${seconds} s.`);
      };
    };
  },
};
