/**
 * Starts a real bot (the core's `createBot`) with the Telegram adapter pointed at the Bot API
 * stand-in, with short limits so the tests stay fast.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBot, createLogger, type Bot, type BotConfig, type Command } from '@stats/core';
import { logSink, startTelegramBotApi, type TelegramBotApi } from '@stats/test-utils';
import { createTelegramAdapter, type TelegramAdapterOptions } from '../src/index.js';

/** A bot talking to a stand-in. */
export interface TelegramStack {
  readonly api: TelegramBotApi;
  readonly bot: Bot;
  readonly dataDir: string;
  /**
   * Stops every bot, runs `meanwhile` (what happens while the bot is down), then starts another
   * bot on the same stand-in and data directory.
   */
  restart(options?: Partial<TelegramAdapterOptions>, meanwhile?: () => void): Promise<Bot>;
  stop(): Promise<void>;
}

/** Options of {@link startTelegramStack}. */
export interface StackOptions {
  readonly commands: readonly Command[];
  readonly adapter?: Partial<TelegramAdapterOptions>;
  /** Run the bot's HTTP server on this port (webhook tests). */
  readonly httpPort?: number;
  /** Don't start the bot (the test starts it). */
  readonly deferStart?: boolean;
  /** The bot's settings (timeouts). */
  readonly config?: BotConfig;
}

/** A free loopback port (for a webhook URL known before the bot starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the stand-in and a bot with the Telegram adapter on it. */
export async function startTelegramStack(options: StackOptions): Promise<TelegramStack> {
  const api = await startTelegramBotApi({ maxPollSeconds: 2 });
  const dataDir = await mkdtemp(join(tmpdir(), 'stats-telegram-'));
  const bots: Bot[] = [];
  // Debug lines go to the log scan, which fails the test when one holds the token or webhook secret.
  const logger = await createLogger({ level: 'debug', destination: logSink() });
  const makeBot = (extra: Partial<TelegramAdapterOptions> = {}): Bot => {
    const adapter = createTelegramAdapter({
      token: api.token,
      apiRoot: api.url,
      dataDir,
      throttle: false,
      retry: { maxRetryAttempts: 4, maxDelaySeconds: 2 },
      ...options.adapter,
      ...extra,
    });
    const bot = createBot({
      adapters: [adapter],
      commands: options.commands,
      rateLimit: false,
      logger,
      ...(options.config === undefined ? {} : { config: options.config }),
      http: options.httpPort === undefined ? false : { port: options.httpPort, host: '127.0.0.1' },
    });
    bots.push(bot);
    return bot;
  };
  const bot = makeBot();
  if (options.deferStart !== true) await bot.start();
  return {
    api,
    bot,
    dataDir,
    async restart(extra, meanwhile) {
      await Promise.all(bots.map((running) => running.stop()));
      meanwhile?.();
      const next = makeBot(extra);
      await next.start();
      return next;
    },
    async stop() {
      await Promise.all(bots.map((running) => running.stop()));
      await api.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
