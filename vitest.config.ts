import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** One project per workspace package; each runs its unit tests (src) and server tests (test). */
function project(dir: string) {
  return {
    extends: true as const,
    test: {
      name: dir.replace(/^(packages|examples)\//, ''),
      include: [`${dir}/src/**/*.test.ts`, `${dir}/test/**/*.test.ts`],
    },
  };
}

export default defineConfig({
  resolve: { conditions: ['@stats/source'] },
  ssr: { resolve: { conditions: ['@stats/source'], externalConditions: ['@stats/source'] } },
  test: {
    // Vitest's default is one worker per core less one: a single worker on a 2-core CI machine,
    // which runs every file in turn although most of them wait on sockets and bot processes, not
    // the CPU. Two files per core (at least 4) keep both cores busy. VITEST_MAX_WORKERS or
    // --maxWorkers still override it.
    maxWorkers: Math.max(4, availableParallelism() * 2),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Fails a test whose log output holds a secret registered in its file (packages/test-utils/src/log-scan.ts).
    // Kills what a test file's spawned bots left running when the file ends (packages/test-utils/src/process).
    setupFiles: ['./packages/test-utils/src/log-scan-setup.ts', './packages/test-utils/src/process/process-setup.ts'],
    projects: [
      project('packages/core'),
      project('packages/adapter-matrix'),
      project('packages/adapter-discord'),
      project('packages/adapter-telegram'),
      project('packages/test-utils'),
      project('examples/matrix-stats-bot'),
      project('examples/multi-platform-bot'),
      project('examples/custom-command'),
    ],
  },
});
