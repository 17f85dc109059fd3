import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';
import { summarize } from '../harness.js';
import { coldStart, type ColdStart, type Launch } from '../lib/cold-start.js';
import { baselineDist, coreDistState } from '../lib/core-build.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'fixtures', 'footprint');
const MiB = 2 ** 20;

/**
 * Footprint: cold start to ready and RSS after a forced GC of a bot with 15 commands, each
 * start in a fresh process, median of 5 (after one unmeasured start each to warm the file cache).
 */
export const footprint: BenchCase = {
  name: 'footprint',
  description:
    "Each bot (15 commands, no HTTP server) is started in a fresh `node --expose-gc` process; the time from `spawn` to the bot being ready (its own clock at ready, so Node's boot and every import count, the GC does not) and the RSS after a forced `gc()`. Median of 5 starts per bot, interleaved, after one unmeasured start each. stats is the console bot (`createBot` + `createConsoleAdapter`), Hubot uses its Shell adapter, the Chat SDK its memory state and a minimal in-memory adapter (it has no console adapter).",
  async run(context?: BenchContext): Promise<BenchRow[]> {
    const starts = context?.quick === true ? 2 : 5;
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'stats-bench-footprint-')); // Hubot's Shell writes .hubot_history here
    const tsx = import.meta.resolve('tsx');
    const fixture = (name: string): string => path.join(fixtures, name);
    const launches: Launch[] = [
      { label: 'node', args: ['--expose-gc', fixture('node-alone.mjs')], cwd },
      {
        label: 'stats (tsx, sources)',
        args: ['--expose-gc', '--import', tsx, '--conditions=@stats/source', fixture('stats-console.mjs')],
        cwd,
      },
      { label: 'hubot', args: ['--expose-gc', fixture('hubot-shell.mjs')], cwd },
      { label: 'chat sdk', args: ['--expose-gc', fixture('chat-sdk.mjs')], cwd },
    ];
    const dist = coreDistState();
    if (dist !== 'missing')
      launches.push({ label: 'stats (dist)', args: ['--expose-gc', fixture('stats-console.mjs')], cwd });
    else
      context?.note(
        'footprint: no `pnpm build` output (packages/core/dist), so the stats console bot was measured from sources through tsx only; run `pnpm build` first to measure it as users run it.',
      );
    if (dist === 'stale')
      context?.note(
        'footprint: packages/core/dist is older than packages/core/src: the dist figures are of an older build.',
      );
    const baseline = baselineDist();
    if (baseline !== undefined)
      launches.push({
        label: 'stats (baseline dist)',
        args: ['--expose-gc', fixture('stats-console.mjs'), path.join(baseline, 'index.js')],
        cwd,
      });
    context?.note(
      'footprint: this case measures the console bot; the idle RSS of the Matrix example (`e2e matrix`) and of the multi-platform bot with all three adapters connected (`e2e discord`, goal ≤ 80 MiB) are rows of the end-to-end cases.',
    );

    const samples = new Map<string, ColdStart[]>(launches.map((l) => [l.label, []]));
    try {
      for (const launch of launches) await coldStart(launch); // warm the file cache, not counted
      for (let i = 0; i < starts; i += 1) {
        for (const launch of launches) {
          const result = await coldStart(launch);
          samples.get(launch.label)?.push(result);
          context?.progress(
            `${launch.label}: start ${i + 1}/${starts}: ${result.readyMs.toFixed(0)} ms, ${(result.rss / MiB).toFixed(1)} MiB`,
          );
        }
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    const median = (label: string, pick: (s: ColdStart) => number): number | undefined => {
      const list = samples.get(label);
      return list === undefined || list.length === 0 ? undefined : summarize(list.map(pick)).median;
    };
    const rows: BenchRow[] = [];
    const statsLabels = launches.map((l) => l.label).filter((l) => l.startsWith('stats'));
    for (const label of statsLabels) {
      const how = label.includes('baseline')
        ? `plain \`node\` on the baseline build in BENCH_BASELINE (${process.env['BENCH_BASELINE'] ?? ''}), started in turn with the others`
        : label.includes('dist')
          ? 'plain `node` on the `pnpm build` output (packages/*/dist), as users run it'
          : '`node --import tsx --conditions=@stats/source`: TypeScript sources compiled on load (tsx/esbuild counted)';
      const peers = (pick: (s: ColdStart) => number) => {
        const hubot = median('hubot', pick);
        const chat = median('chat sdk', pick);
        return { ...(hubot !== undefined ? { hubot } : {}), ...(chat !== undefined ? { chatSdk: chat } : {}) };
      };
      rows.push({
        case: `footprint: console bot, 15 commands ${label.replace('stats ', '')}`,
        metric: 'cold start to ready, ms (median of 5)',
        stats: median(label, (s) => s.readyMs) ?? Number.NaN,
        ...peers((s) => s.readyMs),
        better: 'lower',
        goal: '≤ Hubot (same run)',
        how: `${how}; fresh process per start`,
        digits: 0,
      });
      rows.push({
        case: `footprint: console bot, 15 commands ${label.replace('stats ', '')}`,
        metric: 'RSS after forced GC, MiB (median of 5)',
        stats: (median(label, (s) => s.rss) ?? Number.NaN) / MiB,
        ...peers((s) => s.rss / MiB),
        better: 'lower',
        goal: '≤ Hubot (same run)',
        how: `${how}; \`process.memoryUsage().rss\` after \`gc()\``,
        digits: 1,
      });
    }
    const nodeRss = median('node', (s) => s.rss) ?? Number.NaN;
    const nodeMs = median('node', (s) => s.readyMs) ?? Number.NaN;
    const dependencies = await dependencyRows(os.tmpdir(), nodeRss, starts, context);
    rows.push(...dependencies.map(({ dependency: _name, readyMs: _ms, ...row }) => row));
    const bot = statsLabels.includes('stats (dist)') ? 'stats (dist)' : statsLabels[0];
    if (bot !== undefined) {
      const botRss = median(bot, (s) => s.rss) ?? Number.NaN;
      const botMs = median(bot, (s) => s.readyMs) ?? Number.NaN;
      const heaviest = [...dependencies]
        .sort((a, b) => b.stats - a.stats)
        .map((d) => `${d.dependency} +${d.stats.toFixed(1)} MiB / +${(d.readyMs - nodeMs).toFixed(0)} ms`);
      const hubotRss = median('hubot', (s) => s.rss) ?? Number.NaN;
      const hubotMs = median('hubot', (s) => s.readyMs) ?? Number.NaN;
      const verdict = botRss <= hubotRss && botMs <= hubotMs ? 'meets' : 'misses';
      context?.note(
        `footprint: the console bot ${verdict} its goal (no slower to start and no larger after GC than Hubot's shell bot in the same run: ${hubotMs.toFixed(0)} ms, ${(hubotRss / MiB).toFixed(1)} MiB) measured ${bot.replace('stats ', '')}: ${botMs.toFixed(0)} ms and ${(botRss / MiB).toFixed(1)} MiB, ` +
          `i.e. ${(botMs - nodeMs).toFixed(0)} ms and ${((botRss - nodeRss) / MiB).toFixed(1)} MiB above Node alone. ` +
          `Importing \`@stats/core\` loads no package (zod, jose, prom-client load on first use; list with \`node bench/tools/module-loads.mjs packages/core/dist/index.js\`); alone, each dependency costs: ${heaviest.join(', ')}.`,
      );
    }
    const floor = 'an empty script in the same harness: the floor every bot above stands on';
    rows.push({
      case: 'footprint: Node alone',
      metric: 'cold start to ready, ms (median of 5)',
      stats: median('node', (s) => s.readyMs) ?? Number.NaN,
      better: 'lower',
      how: floor,
      digits: 0,
    });
    rows.push({
      case: 'footprint: Node alone',
      metric: 'RSS after forced GC, MiB (median of 5)',
      stats: (median('node', (s) => s.rss) ?? Number.NaN) / MiB,
      better: 'lower',
      how: floor,
      digits: 1,
    });
    return rows;
  },
};

/**
 * What each runtime dependency of @stats/core costs when loaded alone (fresh process, median):
 * the RSS above Node alone. It shows which eager imports stand between the console bot and its
 * memory goal.
 */
async function dependencyRows(
  cwd: string,
  nodeRss: number,
  starts: number,
  context: BenchContext | undefined,
): Promise<(BenchRow & { readonly dependency: string; readonly readyMs: number })[]> {
  const corePackage = path.join(here, '..', '..', 'packages', 'core', 'package.json');
  const manifest = JSON.parse(readFileSync(corePackage, 'utf8')) as { dependencies?: Record<string, string> };
  const rows: (BenchRow & { readonly dependency: string; readonly readyMs: number })[] = [];
  for (const dependency of Object.keys(manifest.dependencies ?? {}).sort()) {
    if (dependency.startsWith('@stats/')) continue;
    const launch: Launch = {
      label: dependency,
      args: ['--expose-gc', path.join(fixtures, 'import-one.mjs'), corePackage, dependency],
      cwd,
    };
    const results: ColdStart[] = [];
    for (let i = 0; i < Math.min(3, starts); i += 1) results.push(await coldStart(launch));
    const rss = summarize(results.map((r) => r.rss)).median;
    const ms = summarize(results.map((r) => r.readyMs)).median;
    context?.progress(
      `import ${dependency} alone: ${ms.toFixed(0)} ms, +${((rss - nodeRss) / MiB).toFixed(1)} MiB over Node alone`,
    );
    rows.push({
      dependency,
      readyMs: ms,
      case: `footprint: import ${dependency} alone (a dependency of @stats/core)`,
      metric: 'RSS above Node alone, MiB (median of 3)',
      stats: (rss - nodeRss) / MiB,
      better: 'lower',
      how: `a fresh process that only imports ${dependency} (resolved from packages/core, CommonJS entry where it has both) and reports after gc(); ${ms.toFixed(0)} ms to ready`,
      digits: 1,
    });
  }
  return rows;
}
