import { ConfigError } from '@stats/core';
import { describe, expect, it } from 'vitest';
import { fromEnv } from './from-env.js';

describe('fromEnv (Telegram)', () => {
  it('is undefined without TELEGRAM_BOT_TOKEN', () => {
    expect(fromEnv({})).toBeUndefined();
    expect(fromEnv({ TELEGRAM_ALLOWED_USERS: '111' })).toBeUndefined();
  });

  it('reads polling, webhook, API root and allow-lists', () => {
    expect(fromEnv({ TELEGRAM_BOT_TOKEN: '1:abc' })).toEqual({ token: '1:abc' });
    expect(
      fromEnv({
        TELEGRAM_BOT_TOKEN: '1:abc',
        TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram',
        TELEGRAM_WEBHOOK_SECRET: 'multi_secret',
        TELEGRAM_ALLOWED_USERS: '111, 222',
        TELEGRAM_ALLOWED_CHATS: '-1001234',
      }),
    ).toEqual({
      token: '1:abc',
      apiRoot: 'http://127.0.0.1:8081',
      webhook: { url: 'https://bot.example.org/telegram', secret: 'multi_secret' },
      allow: { users: ['111', '222'], chats: ['-1001234'] },
    });
  });

  it('names each bad or missing variable, never a value', () => {
    const bad = {
      TELEGRAM_BOT_TOKEN: '1:abc',
      TELEGRAM_ALLOWED_USERS: '@alice',
      TELEGRAM_ALLOWED_CHATS: 'group',
      TELEGRAM_WEBHOOK_SECRET: 'no spaces!',
    };
    expect(() => fromEnv(bad)).toThrow(
      expect.objectContaining({
        variables: [
          'TELEGRAM_WEBHOOK_SECRET',
          'TELEGRAM_ALLOWED_USERS',
          'TELEGRAM_ALLOWED_CHATS',
          'TELEGRAM_WEBHOOK_URL',
        ],
      }),
    );
    expect(() => fromEnv(bad)).toThrow(ConfigError);
    expect(() => fromEnv(bad)).not.toThrow(/@alice|no spaces!/);
    const webhook = { TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram' };
    expect(() => fromEnv(webhook)).toThrow(
      expect.objectContaining({ variables: ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET'] }),
    );
    // A secret without its URL would silently mean long polling: refused instead.
    expect(() => fromEnv({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_SECRET: 'good_secret' })).toThrow(
      'TELEGRAM_WEBHOOK_URL is required when TELEGRAM_WEBHOOK_SECRET is set',
    );
    expect(() => fromEnv({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_API_ROOT: 'api.telegram.org' })).toThrow(
      'TELEGRAM_API_ROOT must be an http(s) URL',
    );
  });
});
