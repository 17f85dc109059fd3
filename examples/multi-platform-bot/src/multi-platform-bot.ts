import {
  createConsoleAdapter,
  type Bot,
  type ChartSpec,
  type ChatAdapter,
  type ImageAttachment,
  type Logger,
} from '@stats/core';
import { createStandardBot, type StatsConfig } from '@stats/core/app';
import type { EnvVariables } from '@stats/core/env';
import * as platforms from './platforms/index.js';
import type { PlatformModule } from './platforms/index.js';

/** Options of {@link createMultiPlatformBot}. */
export interface MultiPlatformBotOptions {
  readonly logger: Logger;
  /** The environment each platform reads its own variables from (default `process.env`). */
  readonly env?: EnvVariables;
  /** A platform refused the bot's credentials for good (the process should exit). */
  readonly onFatal: (reason: string) => void;
  /** The bot's HTTP server (default `config.port` on `config.host`); `false`: none. */
  readonly http?: { readonly port: number; readonly host?: string } | false;
  /** The adapter used when no platform is configured (default: this terminal). */
  readonly fallback?: () => ChatAdapter;
}

/** The bot and the platforms it serves. */
export interface MultiPlatformBot {
  readonly bot: Bot;
  /** The platforms served, e.g. `['matrix', 'telegram']` or `['console']`. */
  readonly platforms: readonly string[];
}

const renderChart = async (chart: ChartSpec): Promise<ImageAttachment> =>
  (await import('@stats/core/charts')).renderChartPng(chart);

/**
 * One command set and one session store serving every platform whose variables are set (each
 * read by its adapter's `fromEnv`), or the console when none is. Scheduled reports go to every configured report room
 * (`MATRIX_REPORT_ROOM_ID`, `TELEGRAM_REPORT_CHAT_ID`, …).
 *
 * @example
 * const { bot } = await createMultiPlatformBot(loadConfig(process.env), { logger, onFatal, env: process.env });
 * await bot.start();
 */
export async function createMultiPlatformBot(
  config: StatsConfig,
  options: MultiPlatformBotOptions,
): Promise<MultiPlatformBot> {
  const deps = { logger: options.logger, renderChart, onFatal: options.onFatal };
  const modules: PlatformModule[] = Object.values(platforms);
  const adapters = modules
    .map((module) => module.fromEnv(options.env ?? process.env, config, deps))
    .filter((adapter): adapter is ChatAdapter => adapter !== undefined);
  if (adapters.length === 0) adapters.push(options.fallback?.() ?? createConsoleAdapter());
  const bot = await createStandardBot(config, {
    adapters,
    logger: options.logger,
    handleSignals: false,
    http: options.http ?? { port: config.port, host: config.host },
  });
  return { bot, platforms: adapters.map((adapter) => adapter.platform) };
}
