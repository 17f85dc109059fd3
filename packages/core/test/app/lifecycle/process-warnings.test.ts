import { expect, it } from 'vitest';
import { spawnBot } from '@stats/test-utils';

it('writes process warnings as JSON log lines, so stdout and stderr stay JSON', async () => {
  const child = spawnBot('packages/core/test/app/fixtures/warning-bot.ts', {
    baseEnv: 'inherit',
    env: { LOG_LEVEL: 'warn', NODE_NO_WARNINGS: '' },
  });
  expect((await child.exited).code).toBe(0);
  const lines = child.lines.filter((line) => line.trim() !== '');
  const parsed = lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return { notJson: line };
    }
  });
  expect(parsed.filter((p) => 'notJson' in p)).toEqual([]);
  const warnings = parsed.map((p) => (p['warning'] as { name?: string; code?: string } | undefined) ?? {});
  expect(warnings.map((w) => w.name)).toEqual(
    expect.arrayContaining(['MaxListenersExceededWarning', 'DeprecationWarning']),
  );
  expect(warnings.some((w) => w.code === 'DEP_STATS_TEST')).toBe(true);
  expect(parsed.some((p) => p['msg'] === 'warning-bot done')).toBe(true);
});
