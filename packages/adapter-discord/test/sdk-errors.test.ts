import { createLogger, UpstreamError } from '@stats/core';
import { logSink, registerSecret, startDiscordStandIn } from '@stats/test-utils';
import { REST, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { fromDiscordError } from '../src/sdk-errors.js';

describe('fromDiscordError', () => {
  it('turns a DiscordAPIError (the interaction token is in its URL) into an UpstreamError without it', async () => {
    const discord = await startDiscordStandIn();
    try {
      const interactionToken = 'itoken-expired-0123456789abcdef';
      registerSecret(interactionToken, 'Discord interaction token');
      const rest = new REST({
        api: discord.url,
        version: '10',
        makeRequest: (url, init) => fetch(url, init as unknown as RequestInit) as never,
      }).setToken(discord.token);
      const raw = await rest
        .post(Routes.webhook(discord.applicationId, interactionToken), { body: { content: 'a private answer' } })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(JSON.stringify({ url: (raw as { url?: unknown }).url })).toContain(interactionToken);
      const converted = fromDiscordError(raw, 'interaction reply');
      expect(converted).toBeInstanceOf(UpstreamError);
      expect(converted).toMatchObject({ status: 404, source: 'discord', retryable: false });
      expect((converted as Error).message).toContain('10015');
      const lines: string[] = [];
      const logger = await createLogger({ level: 'debug', destination: logSink((line) => void lines.push(line)) });
      logger.error({ err: converted }, 'converted');
      logger.error({ err: raw }, 'raw, through the serializer');
      expect(lines).toHaveLength(2);
      for (const line of lines) {
        expect(line).not.toContain(interactionToken);
        expect(line).not.toContain('a private answer');
      }
    } finally {
      await discord.stop();
    }
  });
});
