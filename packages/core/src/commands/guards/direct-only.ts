import { StatsError } from '../../errors/index.js';
import type { Guard, GuardSetup, MiddlewareContext } from '../middleware.js';

/**
 * Refuses a `direct-only` or `sensitive` command in a shared room. A sensitive message (a
 * password) seen there is removed at once where the platform lets the bot, and never processed;
 * the answer says whether it was removed, and urges a password change when it was not.
 */
export const directOnly: Guard = {
  name: 'direct-only',
  setup(bot) {
    const prefix = bot.settings.prefix;
    return (command) => {
      if (!command.sensitive && command.where !== 'direct-only') return undefined;
      const where = `Send ${prefix}${command.name} to me in a direct message instead.`;
      // Synchronous where it lets the message through (every direct message): no promise of its own.
      return (ctx, next) => {
        if (ctx.message.isDirect) return next();
        if (!command.sensitive) {
          throw new StatsError(
            'direct_only',
            `${command.name} refused in a shared room`,
            `${prefix}${command.name} works in a direct message only. ${where}`,
          );
        }
        return refuseSensitive(bot, ctx, where);
      };
    };
  },
};

/** Removes a password seen in a shared room where the platform lets the bot, and refuses it. */
async function refuseSensitive(bot: GuardSetup, ctx: MiddlewareContext, where: string): Promise<never> {
  const { message, adapter, command } = ctx;
  let removed = false;
  let reason = 'this platform does not let me remove messages';
  if (adapter.redact !== undefined) {
    try {
      const result = await adapter.redact(message, 'contained a password');
      removed = result.removed;
      if (result.reason !== undefined) reason = result.reason;
    } catch (error) {
      reason = 'removing it failed';
      bot.logger.warn(
        { err: error, platform: message.platform, room: message.room.id },
        'could not redact a sensitive message',
      );
    }
  }
  const text = removed
    ? `I removed your message because it contained a password, and did nothing with it. ${where}`
    : `⚠️ I could not remove your message (${reason}): your password is visible to everyone in this room. Change your password now, then ${where.charAt(0).toLowerCase()}${where.slice(1)}`;
  throw new StatsError('direct_only', `sensitive ${command.name} seen in a shared room (removed: ${removed})`, text);
}
