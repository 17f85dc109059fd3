import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@stats/core/app';
import { createLogger } from '@stats/core';
import { createMemoryAdapter } from '@stats/core/testing';
import {
  logSink,
  startMatrixHomeserver,
  startTelegramBotApi,
  type MatrixHomeserver,
  type TelegramBotApi,
  type RunningBot,
} from '@stats/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMultiPlatformBot } from '../src/multi-platform-bot.js';
import { startMultiPlatformBot } from './bot-process.js';

/** A free loopback port, so the webhook URL is known before the bot starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let telegram: TelegramBotApi;
let matrix: MatrixHomeserver;
let dataDir: string;
let running: RunningBot | undefined;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  telegram = await startTelegramBotApi({ maxPollSeconds: 2 });
  matrix = await startMatrixHomeserver();
  dataDir = mkdtempSync(join(tmpdir(), 'multi-platform-bot-'));
});
afterEach(async () => {
  if (running) await running.terminate('SIGKILL');
  running = undefined;
  for (const stop of stops.splice(0)) await stop();
  await telegram.stop();
  await matrix.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const body = (event: Record<string, unknown>): string => String((event['content'] as { body?: unknown }).body);

describe('examples/multi-platform-bot', () => {
  it('serves Telegram and Matrix with one command set', async () => {
    const env = {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      MATRIX_HOMESERVER_URL: matrix.url,
      MATRIX_ACCESS_TOKEN: matrix.bot.token,
      DATA_DIR: dataDir,
    };
    const config = loadConfig(env);
    const { bot, platforms } = await createMultiPlatformBot(config, {
      env,
      logger: await createLogger({ level: 'debug', destination: logSink() }),
      onFatal: () => undefined,
      http: false,
    });
    stops.push(() => bot.stop());
    expect([...platforms].sort()).toEqual(['matrix', 'telegram']);
    await bot.start();

    const alice = telegram.user('Alice', 'alice');
    telegram.privateChat(alice).say(alice, '/help');
    const [onTelegram] = await telegram.waitForSent(alice.id);

    const bob = matrix.human('bob', 'Bob');
    const room = bob.createRoom({ name: 'ops', invite: [matrix.bot.userId] });
    await matrix.waitFor(
      (event) =>
        event['type'] === 'm.room.member' &&
        event['state_key'] === matrix.bot.userId &&
        (event['content'] as { membership?: string }).membership === 'join',
      { what: 'the bot to join' },
    );
    const onMatrix = await matrix.waitForReply(bob.say(room, '!help'));

    const names = bot.commands.filter((c) => c.name !== 'help').map((c) => c.name);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(onTelegram?.text).toContain(name);
      expect(body(onMatrix)).toContain(name);
    }
    expect(telegram.commands().map((c) => c.command)).toContain('help');
  });

  it('serves Telegram by webhook on its own HTTP server when TELEGRAM_WEBHOOK_URL is set', async () => {
    const port = await freePort();
    const env = {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: `${telegram.url}/`,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`,
      TELEGRAM_WEBHOOK_SECRET: 'multi_secret',
      DATA_DIR: dataDir,
    };
    const config = loadConfig(env);
    const { bot } = await createMultiPlatformBot(config, {
      env,
      logger: await createLogger({ level: 'debug', destination: logSink() }),
      onFatal: () => undefined,
      http: { port, host: '127.0.0.1' },
    });
    stops.push(() => bot.stop());
    await bot.start();
    expect(telegram.webhook()).toEqual({ url: `http://127.0.0.1:${port}/telegram`, secret: 'multi_secret' });
    const dan = telegram.user('Dan');
    telegram.privateChat(dan).say(dan, '/help');
    const [answer] = await telegram.waitForSent(dan.id);
    expect(answer?.text).toMatch(/help/);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
  });

  it('falls back to the console when no platform is configured', async () => {
    const { bot, platforms } = await createMultiPlatformBot(loadConfig({ DATA_DIR: dataDir }), {
      env: { DATA_DIR: dataDir },
      logger: await createLogger({ level: 'debug', destination: logSink() }),
      onFatal: () => undefined,
      http: false,
      fallback: () => createMemoryAdapter(),
    });
    stops.push(() => bot.stop());
    expect(platforms).toEqual([createMemoryAdapter().platform]);
    expect(bot.adapters).toHaveLength(1);
  });

  it('runs as `pnpm start:multi` does, answers on Telegram and exits 0 on SIGTERM', async () => {
    running = await startMultiPlatformBot({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      DATA_DIR: dataDir,
    });
    expect(running.running['platforms']).toEqual(['telegram']);
    const carol = telegram.user('Carol');
    const group = telegram.group('Ops');
    group.say(carol, `/help@${telegram.bot.username ?? ''}`);
    const [answer] = await telegram.waitForSent(group.chat.id);
    expect(answer?.text).toMatch(/help/);
    group.say(carol, '/login carol@example.org hunter2-secret');
    const [, warning] = await telegram.waitForSent(group.chat.id, 2);
    expect(warning?.text).toMatch(/could not remove your message/);
    const health = await fetch(`${String(running.running['url'])}/health`);
    expect(health.status).toBe(200);
    expect((await running.terminate('SIGTERM')).code).toBe(0);
    const logs = JSON.stringify(running?.logs ?? []);
    expect(logs).not.toContain('hunter2');
    expect(logs).not.toContain(telegram.token);
    running = undefined;
  });

  it('schedules the daily and weekly reports into TELEGRAM_REPORT_CHAT_ID', async () => {
    const group = telegram.group('Reports', { supergroup: true });
    const env = {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_REPORT_CHAT_ID: String(group.chat.id),
      DATA_DIR: dataDir,
    };
    const config = loadConfig(env);
    const { bot } = await createMultiPlatformBot(config, {
      env,
      logger: await createLogger({ level: 'debug', destination: logSink() }),
      onFatal: () => undefined,
      http: false,
    });
    stops.push(() => bot.stop());
    await bot.start();
    const alice = telegram.user('Alice');
    group.say(alice, '/schedule');
    const [answer] = await telegram.waitForSent(group.chat.id);
    expect(answer?.text).toMatch(/daily/i);
    expect(answer?.text).toMatch(/weekly/i);
    expect(answer?.text.match(/this room/g)).toHaveLength(2);
  });
});
