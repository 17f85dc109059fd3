import { envReader, type EnvVariables } from '@stats/core/env';
import type { TelegramAdapterOptions } from './telegram-adapter.js';

/** The Telegram settings that come from the environment: spread them into {@link createTelegramAdapter}'s options. */
export type TelegramEnvOptions = Pick<TelegramAdapterOptions, 'token' | 'apiRoot' | 'webhook' | 'allow'>;

/** The variables {@link fromEnv} reads (`TELEGRAM_BOT_TOKEN` and `TELEGRAM_WEBHOOK_SECRET` are secrets). */
export const TELEGRAM_ENV_VARIABLES: readonly string[] = [
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_API_ROOT',
  'TELEGRAM_WEBHOOK_URL',
  'TELEGRAM_WEBHOOK_SECRET',
  'TELEGRAM_ALLOWED_USERS',
  'TELEGRAM_ALLOWED_CHATS',
];

/**
 * The Telegram slice of the configuration: `TELEGRAM_BOT_TOKEN`; `TELEGRAM_API_ROOT` (a
 * self-hosted Bot API server, trailing slashes dropped); webhook mode with `TELEGRAM_WEBHOOK_URL`
 * and its `TELEGRAM_WEBHOOK_SECRET` (1-256 of `A-Z a-z 0-9 _ -`; each requires the other),
 * else long polling;
 * `TELEGRAM_ALLOWED_USERS` and `TELEGRAM_ALLOWED_CHATS` (numeric ids, comma-separated, groups
 * negative; unset: everyone). Blank counts as unset.
 *
 * @param env - The environment (default `process.env`).
 * @returns The adapter's options, or `undefined` when `TELEGRAM_BOT_TOKEN` is not set.
 * @throws ConfigError naming every bad or missing variable, never a value.
 * @example
 * import { createTelegramAdapter, fromEnv } from '@stats/adapter-telegram';
 * const telegramEnv = fromEnv();
 * if (telegramEnv !== undefined) createTelegramAdapter({ ...telegramEnv, dataDir: './data' });
 */
export function fromEnv(env: EnvVariables = process.env): TelegramEnvOptions | undefined {
  const read = envReader(env);
  const token = read.text('TELEGRAM_BOT_TOKEN');
  const apiRoot = read.url('TELEGRAM_API_ROOT');
  const webhookUrl = read.url('TELEGRAM_WEBHOOK_URL');
  const webhookSecret = read.match(
    'TELEGRAM_WEBHOOK_SECRET',
    /^[A-Za-z0-9_-]{1,256}$/,
    'must be 1-256 characters A-Z a-z 0-9 _ -',
  );
  const users = read.list('TELEGRAM_ALLOWED_USERS', /^\d+$/, 'must be numeric Telegram user ids, comma-separated');
  const chats = read.list(
    'TELEGRAM_ALLOWED_CHATS',
    /^-?\d+$/,
    'must be numeric Telegram chat ids (groups are negative), comma-separated',
  );
  read.requireWith('TELEGRAM_WEBHOOK_URL', ['TELEGRAM_BOT_TOKEN']);
  read.requireTogether('TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_SECRET');
  read.check();
  if (token === undefined) return undefined;
  return {
    token,
    ...(apiRoot === undefined ? {} : { apiRoot }),
    ...(webhookUrl === undefined || webhookSecret === undefined
      ? {}
      : { webhook: { url: webhookUrl, secret: webhookSecret } }),
    ...(users === undefined && chats === undefined ? {} : { allow: { users, chats } }),
  };
}
