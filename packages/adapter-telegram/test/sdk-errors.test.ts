import { createLogger, UnreachableError, UpstreamError } from '@stats/core';
import { logSink, startTelegramBotApi } from '@stats/test-utils';
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { fromTelegramError } from '../src/sdk-errors.js';
import { freePort } from './telegram-harness.js';

const TOKEN = '424242:AAF-sdk-errors-test-token-0123456789';

describe('fromTelegramError', () => {
  it('turns grammY’s HttpError (the token is in its URL) into an UnreachableError without it', async () => {
    const api = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${await freePort()}` });
    const raw = await api.getMe().then(
      () => undefined,
      (error: unknown) => error,
    );
    // What grammY keeps: the fetch error, whose message names the URL with the token.
    expect(String((raw as { error?: { message?: unknown } }).error?.message)).toContain(TOKEN);
    const lines: string[] = [];
    const logger = await createLogger({ level: 'debug', destination: logSink((line) => void lines.push(line)) });
    const converted = fromTelegramError(raw, 'start');
    logger.error({ err: converted }, 'converted');
    logger.error({ err: raw }, 'raw, through the serializer');
    expect(converted).toBeInstanceOf(UnreachableError);
    expect((converted as Error).message).toMatch(/getMe|start/);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain(TOKEN);
  });

  it('turns a GrammyError into an UpstreamError with status and retry hint, without the payload', async () => {
    const telegram = await startTelegramBotApi({ token: TOKEN });
    try {
      telegram.fail('sendMessage', { status: 429, retryAfter: 7 });
      const api = new Api(TOKEN, { apiRoot: telegram.url });
      const raw = await api.sendMessage(1, 'the text of a private answer').then(
        () => undefined,
        (error: unknown) => error,
      );
      const converted = fromTelegramError(raw, 'send');
      expect(converted).toBeInstanceOf(UpstreamError);
      expect(converted).toMatchObject({ status: 429, retryable: true, retryAfterMs: 7000, source: 'telegram' });
      expect(JSON.stringify(converted)).not.toContain('private answer');
    } finally {
      await telegram.stop();
    }
  });
});
