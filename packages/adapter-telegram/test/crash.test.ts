import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@stats/core/app';
import { createBot, defineCommand, type Bot } from '@stats/core';
import { startTelegramBotApi, type TelegramBotApi } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../src/index.js';

/** True once the first instance "crashed": the next one answers `/report` at once. */
let crashed = false;
let reportStarted = 0;
const commands = [
  defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' }),
  defineCommand({
    name: 'report',
    summary: 'A long report',
    run: async (ctx) => {
      reportStarted += 1;
      if (crashed) return 'report';
      // the first instance never gets to answer: it hangs until it is torn down
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      return 'too late';
    },
  }),
];

let api: TelegramBotApi;
let dataDir: string;
const bots: Bot[] = [];
const makeBot = (): Bot => {
  const adapter = createTelegramAdapter({
    token: api.token,
    apiRoot: api.url,
    dataDir,
    throttle: false,
    busyPollMs: 50,
  });
  const bot = createBot({
    adapters: [adapter],
    commands,
    rateLimit: false,
    http: false,
    config: loadConfig({ SHUTDOWN_TIMEOUT: '1s' }),
  });
  bots.push(bot);
  return bot;
};

beforeAll(async () => {
  api = await startTelegramBotApi({ maxPollSeconds: 2 });
  dataDir = await mkdtemp(join(tmpdir(), 'stats-telegram-crash-'));
});
afterAll(async () => {
  for (const bot of bots) await bot.stop();
  await api.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Telegram adapter: a crash mid-command', () => {
  it('hands the unfinished update to the next instance, which answers it once, and nothing twice', async () => {
    const first = makeBot();
    await first.start();
    const frank = api.user('Frank');
    const chat = api.privateChat(frank);
    chat.say(frank, '/ping');
    await api.waitForSent(frank.id);
    chat.say(frank, '/report');
    await api.waitFor(() => (reportStarted > 0 ? true : undefined), 'the report runs');
    // The crash: the first instance stops fetching and is never heard of again (no drain, no confirm).
    await (first.adapter('telegram') as TelegramAdapter).stopReceiving();
    expect(api.pendingUpdates()).toBe(1);
    crashed = true;
    await makeBot().start();
    const answers = await api.waitForSent(frank.id, 2);
    expect(answers.map((m) => m.text)).toEqual(['pong', 'report']);
    await api.waitFor(() => (api.pendingUpdates() === 0 ? true : undefined), 'updates confirmed');
    expect(api.sentTo(frank.id)).toHaveLength(2);
  });
});
