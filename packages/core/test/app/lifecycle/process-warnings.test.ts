import { expect, it } from 'vitest';
import { spawnBot } from '@stats/test-utils';
import { warningSource } from '../../../src/app/lifecycle/process-warnings.js';

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
  const own = parsed.find((p) => (p['warning'] as { code?: string } | undefined)?.code === 'DEP_STATS_TEST');
  expect(own).toMatchObject({ level: 40, msg: 'process warning: DeprecationWarning' });
  expect((own?.['warning'] as { from?: string }).from).toBeUndefined();
  // A dependency's deprecation names the package and is information, not a warning to act on.
  const dependency = parsed.find((p) => (p['warning'] as { code?: string } | undefined)?.code === 'DEP_LEGACY');
  expect(dependency).toMatchObject({
    level: 30,
    msg: 'process warning: DeprecationWarning (from legacy-dep)',
    warning: { from: 'legacy-dep' },
  });
  expect(parsed.some((p) => p['msg'] === 'warning-bot done')).toBe(true);
});

it('names the package a warning came from, in npm and pnpm layouts, and none for the application or Node', () => {
  const stack = (...frames: string[]): string => ['DeprecationWarning: old', ...frames].join('\n');
  expect(
    warningSource(
      stack(
        '    at emitWarning (node:internal/process/warning:1:1)',
        '    at x (/app/node_modules/request/request.js:9:1)',
      ),
    ),
  ).toBe('request');
  expect(
    warningSource(stack('    at x (/w/node_modules/.pnpm/request@2.88.2/node_modules/request/lib/helpers.js:1:1)')),
  ).toBe('request');
  expect(warningSource(stack('    at x (/w/node_modules/.pnpm/@scope+x@1.0.0/node_modules/@scope/x/a.js:1:1)'))).toBe(
    '@scope/x',
  );
  expect(warningSource(stack('    at x (/a/node_modules/foo/node_modules/bar/b.js:1:1)'))).toBe('bar');
  expect(
    warningSource(stack('    at main (/app/src/main.ts:3:1)', '    at x (/app/node_modules/y/y.js:1:1)')),
  ).toBeUndefined();
  expect(warningSource(undefined)).toBeUndefined();
});
