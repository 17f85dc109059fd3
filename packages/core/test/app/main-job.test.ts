import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { spawnBot } from '@stats/test-utils';

it('pnpm start answers !help, !system with local figures, and !stats naming the variables to set', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stats-main-'));
  const bot = spawnBot('packages/core/src/app/cli/console-main.ts', {
    baseEnv: 'inherit',
    env: { LOG_LEVEL: 'warn', DATA_DIR: dataDir },
  });
  bot.child.stdin.end('!help\n!system\n!stats\n!nope\n');
  expect((await bot.exited).code).toBe(0);
  const out = bot.stdoutText();
  expect(out).toContain('!stats');
  expect(out).toContain('!system');
  expect(out).toMatch(/CPU[^\n]*\d+(\.\d+)?\s*%/);
  expect(out).toMatch(/Umami is not configured: set UMAMI_API_URL/);
  expect(out).toContain('Unknown command !nope.');
});
