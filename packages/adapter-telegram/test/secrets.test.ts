import { defineCommand } from '@stats/core';
import { recordedLogLines, registerSecret } from '@stats/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startTelegramStack, type TelegramStack } from './telegram-harness.js';

const commands = [defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' })];
const SECRET = 'webhook_secret-0f9a8b7c6d5e';

let stack: TelegramStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('Telegram adapter: no webhook secret or bot token in the log', () => {
  it('logs a failing setWebhook at start with its method and status, never the payload’s secret_token', async () => {
    registerSecret(SECRET, 'Telegram webhook secret');
    const port = await freePort();
    stack = await startTelegramStack({
      commands,
      httpPort: port,
      deferStart: true,
      adapter: { webhook: { url: `http://127.0.0.1:${port}/telegram/webhook`, secret: SECRET } },
    });
    stack.api.fail('setWebhook', {
      status: 400,
      description: 'Bad Request: bad webhook: Failed to resolve host: Name or service not known',
    });
    const failure = await stack.bot.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(JSON.stringify(failure)).not.toContain(SECRET);
    const lines = recordedLogLines();
    const startFailed = lines.find((line) => line.includes('start failed'));
    expect(startFailed).toContain('setWebhook');
    expect(startFailed).toContain('"status":400');
    for (const line of lines) expect(line).not.toContain(SECRET);
    for (const line of lines) expect(line).not.toContain(stack.api.token);
  });
});
