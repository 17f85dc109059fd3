import { startBot, type RunningBot } from '@stats/test-utils';

/**
 * The example as `pnpm start:multi` runs it, `env` on top of a clean environment: test-utils'
 * {@link startBot} with this example's entry point and running line.
 */
export function startMultiPlatformBot(env: Record<string, string>): Promise<RunningBot> {
  return startBot('examples/multi-platform-bot/src/main.ts', {
    runningMessage: 'multi-platform-bot running',
    env,
    timeoutMs: 30_000,
  });
}
