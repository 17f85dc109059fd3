/**
 * @stats/adapter-telegram: binds @stats/core to Telegram through grammY.
 *
 * @packageDocumentation
 */
export { createTelegramAdapter, type TelegramAdapter, type TelegramAdapterOptions } from './telegram-adapter.js';
export type { ChartRenderer } from './outgoing.js';
export { TELEGRAM_SEND_LIMITS } from './send-limits.js';
export { commandMenu } from './command-menu.js';
export { telegramAllows, type TelegramAllowList } from './allow-list.js';
export { telegramCommandName, toIncomingMessage, type IncomingContext } from './incoming.js';
export { secretMatches, SECRET_HEADER } from './webhook-route.js';
export { fromEnv, TELEGRAM_ENV_VARIABLES, type TelegramEnvOptions } from './from-env.js';
