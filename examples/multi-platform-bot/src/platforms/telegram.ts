import { createTelegramAdapter, fromEnv as telegramFromEnv } from '@stats/adapter-telegram';
import type { ChatAdapter } from '@stats/core';
import type { StatsConfig } from '@stats/core/app';
import type { EnvVariables } from '@stats/core/env';
import type { PlatformDeps } from './platform.js';

/**
 * Telegram, when `TELEGRAM_BOT_TOKEN` is set: long polling, or a webhook on the bot's HTTP
 * server when `TELEGRAM_WEBHOOK_URL` (and its `TELEGRAM_WEBHOOK_SECRET`) are set;
 * `TELEGRAM_API_ROOT` points it at a self-hosted Bot API server; `TELEGRAM_ALLOWED_USERS` /
 * `TELEGRAM_ALLOWED_CHATS` unset means everyone may use the bot.
 */
export function fromEnv(env: EnvVariables, config: StatsConfig, deps: PlatformDeps): ChatAdapter | undefined {
  const telegram = telegramFromEnv(env);
  if (telegram === undefined) return undefined;
  return createTelegramAdapter({
    ...telegram,
    dataDir: config.dataDir,
    catchUpWindowMs: config.catchUpWindowMs,
    renderChart: deps.renderChart,
  });
}
