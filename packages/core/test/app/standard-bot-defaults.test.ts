import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandardBot, loadConfig } from '../../src/app/index.js';
import { createMemoryAdapter } from '../../src/testing/index.js';
import { spawnBot } from '@stats/test-utils';

// The application's side of issue 14's defaults: no "Unknown command" for a command the README
// lists, and a missing driver named with the npm install line at configuration time.

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'stats-defaults-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the stats application', () => {
  it('answers !schedule, !silence and !ack with the variables to set when they are off', async () => {
    const adapter = createMemoryAdapter();
    const bot = await createStandardBot(loadConfig({ DATA_DIR: dataDir }), {
      adapters: [adapter],
      http: false,
      handleSignals: false,
    });
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
      const run = spawnBot('packages/core/test/app/fixtures/check-drivers.ts', {
        baseEnv: 'inherit',
        env: { LOG_LEVEL: 'warn', NODE_PATH: '', DATA_DIR: dataDir, ...env },
      });
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
