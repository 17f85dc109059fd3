import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, arg, createBot, defineCommand, document } from '@stats/core';
import { startTelegramBotApi } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTelegramAdapter } from '../src/index.js';
import { startTelegramStack, type TelegramStack } from './telegram-harness.js';

const commands = [
  defineCommand({ name: 'ping', summary: 'Answers pong', run: () => document().text('pong') }),
  defineCommand({
    name: 'login',
    summary: 'Log in',
    sensitive: true,
    args: { user: arg.string('user name'), password: arg.string('password', { secret: true }) },
    run: () => 'logged in',
  }),
];

let stack: TelegramStack;
beforeAll(async () => {
  stack = await startTelegramStack({
    commands,
    adapter: {
      throttle: { global: { capacity: 1000, perSecond: 1000 }, room: () => [{ capacity: 1, perSecond: 200 }] },
    },
  });
});
afterAll(() => stack.stop());

describe('Telegram adapter: /login in a group', () => {
  it('offers /login in the menu of private chats only', () => {
    expect(stack.api.commands('all_private_chats').map((c) => c.command)).toEqual(['help', 'ping', 'login']);
    expect(stack.api.commands().map((c) => c.command)).toEqual(['help', 'ping']);
  });

  it('deletes the message when the bot is admin and warns the user', async () => {
    const { api } = stack;
    const alice = api.user('Alice');
    const group = api.group('Admins', { botIsAdmin: true });
    const login = group.say(alice, '/login alice hunter2');
    const [warning] = await api.waitForSent(group.chat.id);
    expect(api.deleted).toContainEqual({ chatId: group.chat.id, messageId: login.message?.message_id });
    expect(warning?.text).toMatch(/removed your message/);
    expect(warning?.text).not.toContain('hunter2');
    expect(api.sentTo(group.chat.id).some((m) => m.text === 'logged in')).toBe(false);
  });

  it('says it could not delete and urges a password change when the bot is not admin', async () => {
    const { api } = stack;
    const bob = api.user('Bob');
    const group = api.group('Members');
    group.say(bob, '/login bob hunter2');
    const [warning] = await api.waitForSent(group.chat.id);
    expect(api.deleted.some((d) => d.chatId === group.chat.id)).toBe(false);
    expect(warning?.text).toMatch(/could not remove your message \(I am not an admin of this group\)/);
    expect(warning?.text).toMatch(/Change your password/);
    expect(warning?.text).not.toContain('hunter2');
  });

  it('runs /login in a private chat and deletes the password message there too', async () => {
    const { api } = stack;
    const carol = api.user('Carol');
    const login = api.privateChat(carol).say(carol, '/login carol pw');
    const [answer] = await api.waitForSent(carol.id);
    expect(answer?.text).toBe('logged in\n\nI removed your message with the password from this chat.');
    expect(api.deleted).toContainEqual({ chatId: carol.id, messageId: login.message?.message_id });
  });
});

describe('Telegram adapter: flood control and server errors', () => {
  it('loses no reply in a burst of 429s, honouring retry_after', async () => {
    const { api } = stack;
    const users = Array.from({ length: 6 }, (_, i) => api.user(`User ${i}`));
    api.fail('sendMessage', { status: 429, retryAfter: 1, times: 3 });
    for (const user of users) api.privateChat(user).say(user, '/ping');
    for (const user of users) {
      const [answer] = await api.waitForSent(user.id, 1, 20_000);
      expect(answer?.text).toBe('pong');
    }
    expect(api.calls.filter((c) => c.method === 'sendMessage' && c.status === 429)).toHaveLength(3);
    for (const user of users) expect(api.sentTo(user.id)).toHaveLength(1);
  });

  it('retries a 5xx answer and delivers the reply', async () => {
    const { api } = stack;
    const dan = api.user('Dan');
    api.fail('sendMessage', { status: 502, times: 1 });
    api.privateChat(dan).say(dan, '/ping');
    const [answer] = await api.waitForSent(dan.id, 1, 20_000);
    expect(answer?.text).toBe('pong');
    expect(api.calls.some((c) => c.method === 'sendMessage' && c.status === 502)).toBe(true);
  });
});

describe('Telegram adapter: a refused token', () => {
  it('fails to start with an error naming TELEGRAM_BOT_TOKEN', async () => {
    const adapter = createTelegramAdapter({
      token: '999:wrong',
      apiRoot: stack.api.url,
      dataDir: stack.dataDir,
      throttle: false,
    });
    const bot = createBot({ adapters: [adapter], http: false });
    const started = bot.start();
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/TELEGRAM_BOT_TOKEN/);
    expect(adapter.isReady()).toBe(false);
  });

  it('stops the older poller when a second instance polls with the same token (409)', async () => {
    const api = await startTelegramBotApi({ maxPollSeconds: 2 });
    const dirs = [await mkdtemp(join(tmpdir(), 'tg-409-a-')), await mkdtemp(join(tmpdir(), 'tg-409-b-'))];
    const bots = dirs.map((dataDir) =>
      createBot({
        adapters: [createTelegramAdapter({ token: api.token, apiRoot: api.url, dataDir, throttle: false })],
        commands,
        http: false,
        rateLimit: false,
      }),
    );
    try {
      const [first, second] = bots;
      await first?.start();
      await api.waitFor(() => (api.isPolling() ? true : undefined), 'the first poll');
      await second?.start();
      await vi.waitFor(() => expect(first?.adapter('telegram')?.isReady()).toBe(false), { timeout: 10_000 });
      expect(api.calls.some((c) => c.method === 'getUpdates' && c.status === 409)).toBe(true);
      const eve = api.user('Eve');
      api.privateChat(eve).say(eve, '/ping');
      const [answer] = await api.waitForSent(eve.id);
      expect(answer?.text).toBe('pong');
    } finally {
      for (const bot of bots) await bot.stop();
      await api.stop();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops polling and is no longer ready when the token is revoked', async () => {
    const { api, bot } = stack;
    const adapter = bot.adapter('telegram');
    expect(adapter?.isReady()).toBe(true);
    api.revokeToken();
    await vi.waitFor(() => expect(adapter?.isReady()).toBe(false), { timeout: 10_000 });
    expect(api.calls.at(-1)?.status).toBe(401);
    const ready = await bot.metrics.adapterReady.get();
    expect(ready.values.find((v) => v.labels.platform === 'telegram')?.value).toBe(0);
  });
});
