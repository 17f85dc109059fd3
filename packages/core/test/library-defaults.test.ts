import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createBot, createConsoleAdapter } from '../src/index.js';
import { createMemoryAdapter } from '../src/testing/index.js';
import { spawnBot } from '@stats/test-utils';

// The library's defaults as issue 14 asks: no port unless asked, a console that ends with its
// input, clear errors for a taken port and a missing driver, and no "Unknown command" for a
// command the README lists.

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'stats-defaults-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('createBot defaults', () => {
  it('opens no HTTP port unless asked', async () => {
    const bot = createBot({ adapters: [createMemoryAdapter()] });
    await bot.start();
    expect(bot.http).toBeUndefined();
    await bot.stop();
  });

  it('names the variable to change when the HTTP port is taken', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const bot = createBot({ adapters: [createMemoryAdapter()], http: { port, host: '127.0.0.1' } });
      const failure = await bot.start().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toBe(
        `the HTTP port 127.0.0.1:${port} is in use (another copy of this bot?): set PORT to a free port, or PORT=0 for any`,
      );
    } finally {
      holder.close();
    }
  });

  it('ends a console bot when its input ends, without an onEnd of its own', async () => {
    const bot = spawnBot('packages/core/test/fixtures/plain-console-bot.ts', {
      baseEnv: 'inherit',
      env: { LOG_LEVEL: 'warn' },
    });
    bot.child.stdin.end('!help\n');
    expect((await bot.exited).code).toBe(0);
    expect(bot.stdoutText()).toContain('Lists the commands, or explains one');
  });
});

it('a console bot on a PassThrough ends by itself too (no process needed)', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const bot = createBot({ adapters: [createConsoleAdapter({ input, output })] });
  await bot.start();
  // The bot stops itself at the end of input; its signal aborts when it begins to stop.
  const stopped = new Promise<void>((resolve) => bot.signal.addEventListener('abort', () => resolve(), { once: true }));
  input.end('!help\n');
  await stopped;
  expect(bot.signal.aborted).toBe(true);
});
