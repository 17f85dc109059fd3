import { startBot, type RunningBot } from '@stats/test-utils';

/**
 * The example bot as `pnpm start:matrix` runs it (`src/main.ts` on tsx with the `@stats/source`
 * condition), `env` on top of a clean environment: test-utils' {@link startBot} with this
 * example's entry point and running line. Rejects with the log when it exits first.
 */
export function startMatrixStatsBot(
  env: Record<string, string>,
  options: { readonly timeoutMs?: number } = {},
): Promise<RunningBot> {
  return startBot('examples/matrix-stats-bot/src/main.ts', {
    runningMessage: 'matrix-stats-bot running',
    env,
    ...options,
  });
}
