import { ConfigError } from '@stats/core';
import { describe, expect, it } from 'vitest';
import { fromEnv } from './from-env.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    fromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
  }
  throw new Error('expected a ConfigError');
}

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
    const bad = configError({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_ALLOWED_USERS: '@alice', TELEGRAM_ALLOWED_CHATS: 'group', TELEGRAM_WEBHOOK_SECRET: 'no spaces!' });
    expect(bad.variables).toEqual(['TELEGRAM_WEBHOOK_SECRET', 'TELEGRAM_ALLOWED_USERS', 'TELEGRAM_ALLOWED_CHATS']);
    expect(bad.message).not.toContain('@alice');
    expect(bad.message).not.toContain('no spaces!');
    const webhook = configError({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram' });
    expect(webhook.variables).toEqual(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']);
    expect(configError({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_API_ROOT: 'api.telegram.org' }).message).toContain('TELEGRAM_API_ROOT must be an http(s) URL');
  });
});
