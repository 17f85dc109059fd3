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
    // One limiter per platform, keyed by the user id as the platform gives it: no key string is
    // built per message (the same id on two platforms is two users).
    const limiters = new Map<string, UserRateLimiter>();
    const spec = bot.rateLimit;
    const limiterOf = (platform: string): UserRateLimiter => {
      let limiter = limiters.get(platform);
      if (limiter === undefined) {
        limiter = new UserRateLimiter(spec);
        limiters.set(platform, limiter);
      }
      return limiter;
    };
    const fallback = bot.rateLimit;
    return (command) => {
      const rate = command.rateLimit === undefined ? fallback : command.rateLimit;
      if (rate === false) return undefined;
      return (ctx, next) => {
        const message = ctx.message;
        const verdict = limiterOf(message.platform).take(message.sender.id, bot.now(), rate);
        if (verdict.allowed) return next();
        if (!verdict.firstRefusal) throw new Silent();
        const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        throw new StatsError('rate_limited', `rate limited for ${seconds}s`, `Slow down: try again in ${seconds} s.`);
      };
    };
  },
};
