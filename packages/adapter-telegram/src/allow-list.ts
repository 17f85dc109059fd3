import type { AdapterContext } from '@stats/core';
import type { Context, MiddlewareFn } from 'grammy';

/**
 * Who may use the bot on Telegram. A message is taken when its sender is in `users` **or** its
 * chat is in `chats`; with neither list set, everyone may. A private chat's id is the user's id.
 */
export interface TelegramAllowList {
  /** `TELEGRAM_ALLOWED_USERS`: user ids who may use the bot in any chat. */
  readonly users?: readonly string[] | undefined;
  /** `TELEGRAM_ALLOWED_CHATS`: chat ids (groups are negative) where everyone may use the bot. */
  readonly chats?: readonly string[] | undefined;
}

/** Whether the allow-list restricts anything. */
export function restricts(list: TelegramAllowList | undefined): boolean {
  return (list?.users?.length ?? 0) > 0 || (list?.chats?.length ?? 0) > 0;
}

/** Whether a user in a chat may use the bot. */
export function telegramAllows(
  list: TelegramAllowList | undefined,
  userId: number | undefined,
  chatId: number,
): boolean {
  if (!restricts(list)) return true;
  return (
    (userId !== undefined && (list?.users ?? []).includes(String(userId))) ||
    (list?.chats ?? []).includes(String(chatId))
  );
}

/**
 * The grammY middleware in front of the intake: a message from outside the allow-list is not
 * answered, counted in `stats_messages_dropped_total{platform="telegram",reason="not_allowed"}`
 * and logged at debug with ids only (never the text). When someone not allowed adds the bot to
 * a group that is not allowed, the bot leaves it.
 */
export function allowListMiddleware(
  list: TelegramAllowList | undefined,
  context: AdapterContext,
): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const message = ctx.message;
    if (message === undefined || telegramAllows(list, message.from?.id, message.chat.id)) return next();
    context.metrics.messagesDropped.inc({ platform: 'telegram', reason: 'not_allowed' });
    const addedMe = message.new_chat_members?.some((member) => member.id === ctx.me.id) === true;
    context.logger.debug(
      { chat: message.chat.id, user: message.from?.id, addedMe },
      'telegram: ignoring a message from outside TELEGRAM_ALLOWED_USERS/CHATS',
    );
    if (addedMe && message.chat.type !== 'private') {
      try {
        await ctx.api.leaveChat(message.chat.id);
        context.logger.info(
          { chat: message.chat.id, by: message.from?.id },
          'telegram: left a group that someone not allowed added me to',
        );
      } catch (error) {
        context.logger.warn(
          { chat: message.chat.id, err: error instanceof Error ? error.message : String(error) },
          'telegram: leaving a group failed',
        );
      }
    }
  };
}
