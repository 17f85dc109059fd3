import { defineCommand, type Bot } from '@stats/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatHandle, TgUser } from '@stats/test-utils';
import { startTelegramStack, type TelegramStack } from './telegram-harness.js';

const commands = [defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' })];

async function notAllowed(bot: Bot): Promise<number> {
  const metric = await bot.metrics.messagesDropped.get();
  return metric.values.find((v) => v.labels.platform === 'telegram' && v.labels.reason === 'not_allowed')?.value ?? 0;
}

let stack: TelegramStack;
let bot: Bot;
let alice: TgUser;
let mallory: TgUser;
let team: ChatHandle;
let other: ChatHandle;

beforeAll(async () => {
  stack = await startTelegramStack({ commands, deferStart: true });
  alice = stack.api.user('Alice', 'alice');
  mallory = stack.api.user('Mallory', 'mallory');
  team = stack.api.group('Team');
  other = stack.api.group('Elsewhere');
  // The lists name ids the stand-in just made, as TELEGRAM_ALLOWED_USERS / _CHATS would.
  bot = await stack.restart({ allow: { users: [String(alice.id)], chats: [String(team.chat.id)] } });
});
afterAll(() => stack.stop());

describe('Telegram allow-list (TELEGRAM_ALLOWED_USERS, TELEGRAM_ALLOWED_CHATS)', () => {
  it('answers an allowed user in a private chat and in any group', async () => {
    stack.api.privateChat(alice).say(alice, '/ping');
    expect((await stack.api.waitForSent(alice.id))[0]?.text).toBe('pong');
    other.say(alice, '/ping');
    expect((await stack.api.waitForSent(other.chat.id))[0]?.text).toBe('pong');
  });

  it('answers everyone in an allowed chat', async () => {
    team.say(mallory, '/ping');
    expect((await stack.api.waitForSent(team.chat.id))[0]?.text).toBe('pong');
  });

  it('ignores a user outside the lists, in private and in other groups, and counts it', async () => {
    const before = await notAllowed(bot);
    const sentBefore = stack.api.sent.length;
    stack.api.privateChat(mallory).say(mallory, '/ping');
    other.say(mallory, '/ping');
    await vi.waitFor(async () => expect(await notAllowed(bot)).toBe(before + 2), { timeout: 10_000, interval: 20 });
    // An allowed message sent afterwards is answered, the ignored ones never are.
    stack.api.privateChat(alice).say(alice, '/ping');
    await stack.api.waitForSent(alice.id, 2);
    expect(stack.api.sent.slice(sentBefore).map((s) => s.chatId)).toEqual([alice.id]);
  });

  it('leaves a group that someone not allowed added it to, and stays where an allowed user did', async () => {
    const rogue = stack.api.group('Rogue');
    const friendly = stack.api.group('Friendly');
    rogue.addBot(mallory);
    friendly.addBot(alice);
    await stack.api.waitFor(
      () => (stack.api.left.includes(rogue.chat.id) ? true : undefined),
      'the bot to leave the rogue group',
    );
    friendly.say(alice, '/ping');
    await stack.api.waitForSent(friendly.chat.id);
    expect(stack.api.left).toEqual([rogue.chat.id]);
  });
});
