import { StatsError } from '../../errors/index.js';
import type { Guard } from '../middleware.js';

/** Runs an `auth: 'session'` command only for a logged-in user, whose session goes to `ctx.session`. */
export const sessionAuth: Guard = {
  name: 'session',
  setup(bot) {
    const prefix = bot.settings.prefix;
    return (command) => {
      if (command.auth !== 'session') return undefined;
      return async (ctx, next) => {
        const sessions = bot.sessions;
        if (sessions === undefined) {
          throw new StatsError(
            'config',
            'session command without a session service',
            'Logging in is not configured on this bot (set AUTH_URL).',
          );
        }
        const session = await sessions.current(ctx.message.sender, { signal: ctx.signal });
        if (session === undefined) {
          throw new StatsError(
            'not_logged_in',
            'no session',
            `You are not logged in. Send ${prefix}login to me in a direct message first.`,
          );
        }
        ctx.session = session;
        return next();
      };
    };
  },
};
