import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandardBot, loadConfig } from '../src/app/index.js';
import { ConfigError, createBot, createConsoleAdapter } from '../src/index.js';
import { createMemoryAdapter } from '../src/testing/index.js';
import { spawnBot, type SpawnOptions } from '@stats/test-utils';

// The library's defaults as issue 14 asks: no port unless asked, a console that ends with its
// input, clear errors for a taken port and a missing driver, and no "Unknown command" for a
// command the README lists.

/** A fixture process: the runner's environment, warnings only, `env` on top. */
function quiet(env: Record<string, string> = {}): SpawnOptions {
  return { baseEnv: 'inherit', env: { LOG_LEVEL: 'warn', ...env } };
}

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
      expect((failure as Error).message).toBe(`the HTTP port 127.0.0.1:${port} is in use (another copy of this bot?): set PORT to a free port, or PORT=0 for any`);
    } finally {
      holder.close();
    }
  });

  it('ends a console bot when its input ends, without an onEnd of its own', async () => {
    const bot = spawnBot('packages/core/test/fixtures/plain-console-bot.ts', quiet());
    bot.child.stdin.end('!help\n');
    expect((await bot.exited).code).toBe(0);
    expect(bot.stdoutText()).toContain('Lists the commands, or explains one');
  });
});

describe('the stats application', () => {
  it('answers !schedule, !silence and !ack with the variables to set when they are off', async () => {
    const adapter = createMemoryAdapter();
    const bot = await createStandardBot(loadConfig({ DATA_DIR: dataDir }), { adapters: [adapter], http: false, handleSignals: false });
    await bot.start();
    try {
      await adapter.deliver('!schedule');
      await adapter.deliver('!silence disk 2h');
      await adapter.deliver('!ack');
      expect(adapter.sent.map((s) => s.plain)).toEqual([
        'Scheduled reports are not configured on this bot: set MATRIX_REPORT_ROOM_ID, TELEGRAM_REPORT_CHAT_ID, DISCORD_REPORT_CHANNEL_ID or REPORT_TARGETS.',
        'Alertmanager is not configured on this bot: set ALERTMANAGER_URL (and a report target).',
        'Alertmanager is not configured on this bot: set ALERTMANAGER_URL (and a report target).',
      ]);
    } finally {
      await bot.stop();
    }
  });

  it('fails at configuration time with the npm install line when a driver is missing', async () => {
    // An empty project: Node resolves no driver from there (NODE_PATH, which pnpm sets, cleared).
    const project = mkdtempSync(join(tmpdir(), 'stats-no-drivers-'));
    writeFileSync(join(project, 'package.json'), '{"name":"empty","private":true}');
    const check = async (env: Record<string, string>): Promise<string> => {
      const run = spawnBot('packages/core/test/fixtures/check-drivers.ts', quiet({ NODE_PATH: '', DATA_DIR: dataDir, ...env }));
      run.child.stdin.end();
      expect((await run.exited).code).toBe(0);
      return run.stdoutText().trim();
    };
    try {
      const env = { AUTH_URL: 'http://127.0.0.1:9', DATABASE_URL: 'postgres://127.0.0.1/x' };
      // Four independent processes, side by side.
      const [missing, redis, none, all] = await Promise.all([
        check({ ...env, DRIVERS_FROM: project }),
        check({ DRIVERS_FROM: project, REDIS_URL: 'redis://127.0.0.1:9', WITH_SCHEDULES: '1' }),
        check({ DRIVERS_FROM: project }),
        check({ ...env, WITH_SCHEDULES: '1' }),
      ]);
      expect(missing).toBe(
        'ConfigError: missing optional dependencies: better-sqlite3 (for the session store (SESSION_STORE=sqlite, the default)); pg (for !growth (DATABASE_URL)). Install them with: npm install better-sqlite3 pg',
      );
      expect(redis).toMatch(/npm install ioredis bullmq$/);
      // A console bot on defaults needs no driver at all; @stats/core's own install has them all.
      expect(none).toBe('ok');
      expect(all).toBe('ok');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 60_000);
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
