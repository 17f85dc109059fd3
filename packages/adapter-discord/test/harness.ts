import { createBot, createLogger, type Bot, type BotOptions, type ChatAdapter, type Logger } from '@stats/core';
import { logSink, startDiscordStandIn, type DiscordStandIn, type DiscordStandInOptions } from '@stats/test-utils';
import { createDiscordAdapter, type DiscordAdapterOptions } from '../src/index.js';

/** A pino logger whose lines are kept, to prove what never reaches a log. */
export async function captureLogger(): Promise<{ logger: Logger; lines: string[] }> {
  const lines: string[] = [];
  const logger = await createLogger({ level: 'debug', destination: logSink((line) => void lines.push(line)) });
  return { logger, lines };
}

/** A stand-in, a discord.js adapter pointed at it, and a started bot. */
export interface Harness {
  readonly discord: DiscordStandIn;
  readonly adapter: ChatAdapter;
  readonly bot: Bot;
  readonly lines: string[];
  stop(): Promise<void>;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  readonly standIn?: DiscordStandInOptions;
  /** Reuse a running stand-in (a restart of the bot). */
  readonly discord?: DiscordStandIn;
  readonly adapter?: Partial<DiscordAdapterOptions>;
  readonly bot?: Omit<BotOptions, 'adapters'>;
  /** Build the bot yourself (e.g. `createStandardBot`). */
  readonly createBot?: (adapter: ChatAdapter, logger: Logger) => Promise<Bot>;
}

/** Starts the stand-in (or reuses one), the adapter on real discord.js and the bot. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const discord = options.discord ?? (await startDiscordStandIn(options.standIn));
  const { logger, lines } = await captureLogger();
  const adapter = createDiscordAdapter({
    token: discord.token,
    applicationId: discord.applicationId,
    apiUrl: discord.url,
    messageContent: true,
    deferAfterMs: 1500,
    ...options.adapter,
  });
  const bot = options.createBot
    ? await options.createBot(adapter, logger)
    : createBot({ http: false, rateLimit: false, logger, ...options.bot, adapters: [adapter] });
  await bot.start();
  return {
    discord,
    adapter,
    bot,
    lines,
    async stop() {
      await bot.stop();
      if (options.discord === undefined) await discord.stop();
    },
  };
}
