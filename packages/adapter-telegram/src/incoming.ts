import type { CommandDescriptor, IncomingMessage } from '@stats/core';
import type { Message } from 'grammy/types';

/** What {@link toIncomingMessage} needs to know about the bot. */
export interface IncomingContext {
  /** The bot's username without `@` (from getMe). */
  readonly botUsername: string;
  /** The core's command prefix, e.g. `!`. */
  readonly prefix: string;
  readonly commands: readonly CommandDescriptor[];
}

/** The Telegram menu name of a core command: Telegram allows `a-z 0-9 _` only. */
export function telegramCommandName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 32);
}

/** The core name of a `/command` typed in Telegram (`/foo_bar` finds `foo-bar`, `/start` finds help). */
export function coreCommandName(typed: string, commands: readonly CommandDescriptor[]): string {
  const lower = typed.toLowerCase();
  for (const command of commands) {
    if (command.name === lower || telegramCommandName(command.name) === lower) return command.name;
    for (const alias of command.aliases) {
      if (alias === lower || telegramCommandName(alias) === lower) return command.name;
    }
  }
  if (lower === 'start' && commands.some((command) => command.name === 'help')) return 'help';
  return lower;
}

/** The id the adapter gives a message: `<chat id>/<message id>` (unique across chats). */
export function messageKey(chatId: number | string, messageId: number): string {
  return `${chatId}/${messageId}`;
}

/** Splits a {@link messageKey} back into chat id and message id. */
export function parseMessageKey(key: string): { chatId: number | string; messageId: number } | undefined {
  const slash = key.lastIndexOf('/');
  const messageId = Number(key.slice(slash + 1));
  const chat = key.slice(0, slash);
  if (slash <= 0 || !Number.isInteger(messageId)) return undefined;
  return { chatId: /^-?\d+$/.test(chat) ? Number(chat) : chat, messageId };
}

/**
 * Turns a Telegram text message into the core's {@link IncomingMessage}. A `/command` or
 * `/command@thisbot` at the start becomes `<prefix>command …` so the core's router treats it
 * like any prefixed command; `/command@otherbot` gives `undefined` (not for us), as does a
 * message without text.
 */
export function toIncomingMessage(message: Message, context: IncomingContext): IncomingMessage | undefined {
  const text = message.text;
  const from = message.from;
  if (text === undefined || from === undefined || from.is_bot) return undefined;
  let rewritten = text;
  let mentionsBot = false;
  const first = message.entities?.[0];
  if (first?.type === 'bot_command' && first.offset === 0) {
    const typed = text.slice(1, first.length);
    const at = typed.indexOf('@');
    const name = at === -1 ? typed : typed.slice(0, at);
    const target = at === -1 ? undefined : typed.slice(at + 1);
    if (target !== undefined && target.toLowerCase() !== context.botUsername.toLowerCase()) return undefined;
    rewritten = `${context.prefix}${coreCommandName(name, context.commands)}${text.slice(first.length)}`;
    mentionsBot = target !== undefined;
  } else if (first?.type === 'mention' && first.offset === 0) {
    mentionsBot = text.slice(1, first.length).toLowerCase() === context.botUsername.toLowerCase();
  }
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ');
  const threadId =
    message.is_topic_message === true && message.message_thread_id !== undefined
      ? String(message.message_thread_id)
      : undefined;
  return {
    platform: 'telegram',
    id: messageKey(message.chat.id, message.message_id),
    room:
      threadId === undefined
        ? { platform: 'telegram', id: String(message.chat.id) }
        : { platform: 'telegram', id: String(message.chat.id), threadId },
    sender: {
      platform: 'telegram',
      id: String(from.id),
      displayName: from.username === undefined ? name : `@${from.username}`,
    },
    text: rewritten,
    isDirect: message.chat.type === 'private',
    receivedAt: message.date * 1000,
    ...(mentionsBot ? { mentionsBot } : {}),
    raw: message,
  };
}
