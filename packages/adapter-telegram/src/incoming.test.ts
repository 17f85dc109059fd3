import type { CommandDescriptor } from '@stats/core';
import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { commandMenu } from './command-menu.js';
import { coreCommandName, messageKey, parseMessageKey, toIncomingMessage } from './incoming.js';

const descriptor = (name: string, aliases: string[] = []): CommandDescriptor => ({
  name,
  aliases,
  summary: `${name} summary`,
  usage: name,
  args: [],
  where: 'anywhere',
  auth: 'public',
  private: false,
  sensitive: false,
});
const commands = [descriptor('help'), descriptor('top-pages', ['tp']), descriptor('stats')];
const context = { botUsername: 'stats_bot', prefix: '!', commands };

function message(text: string, chat: Message['chat'] = { id: 42, type: 'private', first_name: 'Ann' }): Message {
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    message_id: 7,
    date: 1_700_000_000,
    chat,
    from: { id: 42, is_bot: false, first_name: 'Ann', username: 'ann' },
    text,
    ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
  } as Message;
}

describe('toIncomingMessage', () => {
  it('rewrites /command and /command@thisbot to the prefix form', () => {
    expect(toIncomingMessage(message('/stats week'), context)?.text).toBe('!stats week');
    expect(toIncomingMessage(message('/stats@Stats_Bot week'), context)).toMatchObject({
      text: '!stats week',
      mentionsBot: true,
    });
    expect(toIncomingMessage(message('/top_pages'), context)?.text).toBe('!top-pages');
  });

  it('ignores a command for another bot, a bot sender and a message without text', () => {
    expect(toIncomingMessage(message('/stats@other_bot'), context)).toBeUndefined();
    expect(
      toIncomingMessage({ ...message('/stats'), from: { id: 1, is_bot: true, first_name: 'B' } }, context),
    ).toBeUndefined();
    const { text: _text, ...photo } = message('x');
    expect(toIncomingMessage(photo as Message, context)).toBeUndefined();
  });

  it('marks private chats direct and groups shared, with ids that lead back to the message', () => {
    const direct = toIncomingMessage(message('!help'), context);
    expect(direct).toMatchObject({
      isDirect: true,
      room: { id: '42' },
      sender: { id: '42', displayName: '@ann' },
      receivedAt: 1_700_000_000_000,
    });
    const group = toIncomingMessage(message('!help', { id: -100123, type: 'supergroup', title: 'T' }), context);
    expect(group?.isDirect).toBe(false);
    expect(parseMessageKey(group?.id ?? '')).toEqual({ chatId: -100123, messageId: 7 });
    expect(parseMessageKey(messageKey('@channel', 3))).toEqual({ chatId: '@channel', messageId: 3 });
  });
});

describe('command names', () => {
  it('finds core names from Telegram names, aliases and /start', () => {
    expect(coreCommandName('TP', commands)).toBe('top-pages');
    expect(coreCommandName('start', commands)).toBe('help');
    expect(coreCommandName('nope', commands)).toBe('nope');
  });

  it('builds a menu in Telegram’s alphabet without duplicates', () => {
    const menu = commandMenu([...commands, descriptor('top_pages'), { ...descriptor('x'), summary: 'y'.repeat(300) }]);
    expect(menu.map((m) => m.command)).toEqual(['help', 'top_pages', 'stats', 'x']);
    expect(menu[3]?.description).toHaveLength(256);
  });
});
