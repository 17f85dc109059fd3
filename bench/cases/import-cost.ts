import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';
import { summarize } from '../harness.js';
import { coldStart, type ColdStart, type Launch } from '../lib/cold-start.js';
import { baselineDist, CORE_DIST } from '../lib/core-build.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'fixtures', 'footprint');
const MiB = 2 ** 20;

/**
 * Import cost: `import('@stats/core')` from the build in a fresh process, beside Node alone and
 * Hubot's Shell bot with 15 commands started in the same run (median of 5, interleaved).
 */
export const importCost: BenchCase = {
  name: 'import cost',
  description:
    "What `import('@stats/core')` costs a user before any bot exists: a fresh `node --expose-gc` process imports packages/core/dist/index.js and reports; time from `spawn` to imported (Node's boot included) and RSS after a forced `gc()`. Beside it, Node alone and Hubot's Shell bot (15 commands) in the same run. Median of 5, interleaved, after one unmeasured start each.",
  async run(context?: BenchContext): Promise<BenchRow[]> {
    if (!existsSync(path.join(CORE_DIST, 'index.js'))) {
      context?.note(
        'import cost: no packages/core/dist; run `pnpm build` first (the case measures the build users install).',
      );
      return [];
    }
    const starts = context?.quick === true ? 2 : 5;
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'stats-bench-import-')); // Hubot's Shell writes .hubot_history here
    const launches: Launch[] = [
      { label: 'node', args: ['--expose-gc', path.join(fixtures, 'node-alone.mjs')], cwd },
      { label: 'core', args: ['--expose-gc', path.join(fixtures, 'import-core.mjs')], cwd },
      { label: 'hubot', args: ['--expose-gc', path.join(fixtures, 'hubot-shell.mjs')], cwd },
    ];
    const baseline = baselineDist();
    if (baseline !== undefined)
      launches.push({
        label: 'baseline',
        args: ['--expose-gc', path.join(fixtures, 'import-core.mjs'), path.join(baseline, 'index.js')],
        cwd,
      });
    const samples = new Map<string, ColdStart[]>(launches.map((l) => [l.label, []]));
    try {
      for (const launch of launches) await coldStart(launch);
      for (let i = 0; i < starts; i += 1) {
        for (const launch of launches) {
          const result = await coldStart(launch);
          samples.get(launch.label)?.push(result);
          context?.progress(
            `${launch.label}: ${i + 1}/${starts}: ${result.readyMs.toFixed(0)} ms, ${(result.rss / MiB).toFixed(1)} MiB`,
          );
        }
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    const median = (label: string, pick: (s: ColdStart) => number): number =>
      summarize((samples.get(label) ?? []).map(pick)).median;
    const how =
      "fresh `node --expose-gc` process per start, `import('@stats/core')` of packages/core/dist; Hubot: its Shell bot with 15 commands";
    context?.note(
      `import cost: Node alone ${median('node', (s) => s.readyMs).toFixed(0)} ms / ${(median('node', (s) => s.rss) / MiB).toFixed(1)} MiB in the same run. ` +
        "The root import loads none of its dependencies, nor node:http or node:crypto: prom-client loads with the first /metrics scrape, pino with the first log line at the logger's level, zod only with the application (@stats/core/app) (`node bench/tools/module-loads.mjs packages/core/dist/index.js`; packages/core/test/footprint.test.ts).",
    );
    return [
      {
        case: "import cost: import('@stats/core') from dist",
        metric: 'time to imported, ms (median of 5)',
        stats: median('core', (s) => s.readyMs),
        hubot: median('hubot', (s) => s.readyMs),
        better: 'lower',
        goal: '≤ 150 ms',
        how,
        digits: 0,
      },
      {
        case: "import cost: import('@stats/core') from dist",
        metric: 'RSS after forced GC, MiB (median of 5)',
        stats: median('core', (s) => s.rss) / MiB,
        hubot: median('hubot', (s) => s.rss) / MiB,
        better: 'lower',
        goal: '≤ 55 MiB',
        how,
        digits: 1,
      },
      ...(baseline === undefined
        ? []
        : (['readyMs', 'rss'] as const).map((key): BenchRow => ({
            case: "import cost: import('@stats/core') from the baseline build (BENCH_BASELINE)",
            metric: key === 'rss' ? 'RSS after forced GC, MiB (median of 5)' : 'time to imported, ms (median of 5)',
            stats: median('baseline', (s) => s[key]) / (key === 'rss' ? MiB : 1),
            hubot: median('hubot', (s) => s[key]) / (key === 'rss' ? MiB : 1),
            better: 'lower',
            how: `as above, the build in ${process.env['BENCH_BASELINE'] ?? ''}, started in turn with the others`,
            digits: key === 'rss' ? 1 : 0,
          }))),
    ];
  },
};
