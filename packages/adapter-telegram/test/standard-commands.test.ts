import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStandardBot, loadConfig } from '@stats/core/app';
import { type Bot } from '@stats/core';
import { parseTelegramHtml, startTelegramBotApi, type TelegramBotApi } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../src/index.js';

let api: TelegramBotApi;
let bot: Bot;
let dataDir: string;
beforeAll(async () => {
  api = await startTelegramBotApi({ maxPollSeconds: 2 });
  dataDir = await mkdtemp(join(tmpdir(), 'stats-telegram-standard-'));
  const config = loadConfig({ DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.url });
  const adapter = createTelegramAdapter({
    token: api.token,
    apiRoot: api.url,
    dataDir,
    throttle: false,
    retry: { maxRetryAttempts: 2, maxDelaySeconds: 1 },
  });
  bot = await createStandardBot(config, { adapters: [adapter], http: false, handleSignals: false });
  await bot.start();
});
afterAll(async () => {
  await bot.stop();
  await api.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Telegram adapter: every built-in command', () => {
  it('answers each standard command in a private chat and in a group, as HTML Telegram accepts', async () => {
    const names = bot.commands.map((command) => command.name);
    expect(names.length).toBeGreaterThan(5);
    const menu = api.commands('all_private_chats').map((entry) => entry.command);
    const group = api.group('Everyone', { supergroup: true });
    for (const [index, name] of names.entries()) {
      // A new user per command, so the per-user rate limit never answers instead.
      const user = api.user(`User ${index}`);
      const direct = api.privateChat(user);
      const telegramName = name.replace(/-/g, '_');
      expect(menu, name).toContain(telegramName);
      direct.say(user, `/${telegramName}`);
      const [privateAnswer] = await api.waitForSent(user.id, 1, 20_000);
      const before = api.sentTo(group.chat.id).length;
      group.say(user, `/${telegramName}@${api.bot.username ?? ''}`);
      const groupAnswers = await api.waitForSent(group.chat.id, before + 1, 20_000);
      for (const answer of [privateAnswer, groupAnswers.at(-1)]) {
        expect(answer?.text.trim().length, name).toBeGreaterThan(0);
        expect(() => parseTelegramHtml(answer?.raw ?? ''), name).not.toThrow();
      }
    }
    expect(api.calls.filter((call) => call.status >= 400 && call.method !== 'deleteMessage')).toEqual([]);
  });
});
