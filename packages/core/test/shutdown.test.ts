import { expect, it } from 'vitest';
import { runTs } from './run-process.js';

it('finishes the command in flight on SIGTERM, answers nothing new, and exits 0', async () => {
  const bot = runTs('packages/core/test/fixtures/slow-bot.ts');
  await bot.waitFor(/ready/);
  bot.child.stdin.write('!slow\n');
  await bot.waitFor(/slow started/);
  bot.child.kill('SIGTERM');
  await bot.waitFor(/"msg":"stopping"/);
  bot.child.stdin.write('!help\n');
  expect(await bot.exited()).toBe(0);
  expect(bot.stdout()).toContain('slow done');
  expect(bot.stdout()).not.toContain('Commands');
});
