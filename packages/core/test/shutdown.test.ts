import { expect, it } from 'vitest';
import { spawnBot } from '@stats/test-utils';

it('finishes the command in flight on SIGTERM, answers nothing new, and exits 0', async () => {
  const bot = spawnBot('packages/core/test/fixtures/slow-bot.ts', { baseEnv: 'inherit', env: { LOG_LEVEL: 'warn' } });
  await bot.waitForLog(/ready/);
  bot.child.stdin.write('!slow\n');
  await bot.waitForLog(/slow started/);
  bot.child.kill('SIGTERM');
  await bot.waitForLog('stopping');
  bot.child.stdin.write('!help\n');
  expect((await bot.exited).code).toBe(0);
  expect(bot.stdoutText()).toContain('slow done');
  expect(bot.stdoutText()).not.toContain('Commands');
});
