import type { ChatAdapter, IncomingMessage } from '../../chat/index.js';
import type { Guard, GuardSetup } from '../middleware.js';

/**
 * Removes a sensitive message (with arguments) from a direct room too, where the platform lets
 * the bot: its history outlives the chat (a shared screen, a device later lost). The removal
 * runs beside the command; its outcome becomes a note on the answer (`ctx.note`).
 */
export const redactSensitive: Guard = {
  name: 'redact-sensitive',
  setup(bot) {
    return (command) => {
      if (!command.sensitive) return undefined;
      return (ctx, next) => {
        if (ctx.message.isDirect && ctx.argText.trim() !== '')
          ctx.note = removeFromDirectRoom(bot, ctx.message, ctx.adapter);
        return next();
      };
    };
  },
};

/** Resolves to a line for the answer; undefined where the platform cannot remove messages at all. */
async function removeFromDirectRoom(
  bot: GuardSetup,
  message: IncomingMessage,
  adapter: ChatAdapter,
): Promise<string | undefined> {
  if (adapter.redact === undefined) return undefined;
  let reason = 'removing it failed';
  try {
    const result = await adapter.redact(message, 'contained a password');
    if (result.removed) return 'I removed your message with the password from this chat.';
    if (result.reason !== undefined) reason = result.reason;
  } catch (error) {
    bot.logger.warn(
      { err: error, platform: message.platform, room: message.room.id },
      'could not redact a sensitive message in a direct room',
    );
  }
  return `Please delete your message with the password yourself: I could not remove it (${reason}).`;
}
