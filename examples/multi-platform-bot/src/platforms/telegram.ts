import { createTelegramAdapter } from '@stats/adapter-telegram';
import type { ChatAdapter } from '@stats/core';
import type { StatsConfig } from '@stats/core/app';
import type { PlatformDeps } from './platform.js';

/**
 * Telegram, when `TELEGRAM_BOT_TOKEN` is set: long polling, or a webhook on the bot's HTTP
 * server when `TELEGRAM_WEBHOOK_URL` (and its `TELEGRAM_WEBHOOK_SECRET`) are set;
 * `TELEGRAM_API_ROOT` points it at a self-hosted Bot API server.
 */
export function fromConfig(config: StatsConfig, deps: PlatformDeps): ChatAdapter | undefined {
  const telegram = config.telegram;
  if (telegram === undefined) return undefined;
  const webhook =
    telegram.webhookUrl !== undefined && telegram.webhookSecret !== undefined ? { url: telegram.webhookUrl, secret: telegram.webhookSecret } : undefined;
  return createTelegramAdapter({
    token: telegram.token,
    dataDir: config.dataDir,
    catchUpWindowMs: config.catchUpWindowMs,
    renderChart: deps.renderChart,
    ...(telegram.apiRoot === undefined ? {} : { apiRoot: telegram.apiRoot.replace(/\/+$/, '') }),
    ...(webhook === undefined ? {} : { webhook }),
    // TELEGRAM_ALLOWED_USERS / TELEGRAM_ALLOWED_CHATS: unset means everyone may use the bot.
    allow: { users: telegram.allowedUsers, chats: telegram.allowedChats },
  });
}
