import { performance } from 'node:perf_hooks';
import { analyticsCommands, createSources, loadConfig } from '@stats/core/app';
import {
  createFormatter,
  createMetrics,
  discordRenderer,
  matrixRenderer,
  periodReport,
  plainRenderer,
  telegramRenderer,
  type ChartSpec,
  type Document,
  type PeriodReportData,
} from '@stats/core';
import { renderChartPng } from '@stats/core/charts';
import { createTestBot } from '@stats/core/testing';
import { DEFAULT_UMAMI_WEBSITES, startUmami } from '@stats/test-utils';
import { summarize, type BenchCase, type BenchContext, type BenchRow } from '../harness.js';

/** One burst of `n` concurrent `!stats` from different users; latency per reply in ms. */
async function burst(say: (text: string, user: string) => Promise<unknown>, n: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const t = performance.now();
      await say('!stats', `@user${i}:example.org`);
      return performance.now() - t;
    }),
  );
}

/** 100 concurrent `!stats` against the Umami stand-in: upstream calls per endpoint and latency, cold and warm. */
export const upstreamEconomy: BenchCase = {
  name: 'upstream economy: 100 concurrent !stats',
  description:
    '100 users send !stats at once to a test bot whose sources point at the Umami stand-in (v3 shapes, 20 ms per answer); the stand-in counts calls per endpoint. Then a second burst inside the 60 s TTL.',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    const n = context?.quick ? 20 : 100;
    const umami = await startUmami({ version: 'v3', websites: DEFAULT_UMAMI_WEBSITES });
    for (const route of ['login', 'websites', 'stats'] as const) umami.fault(route, { delayMs: 20, times: Infinity });
    const config = loadConfig({ UMAMI_API_URL: umami.url, UMAMI_USERNAME: 'admin', UMAMI_PASSWORD: 'secret' });
    const metrics = createMetrics({ processMetrics: false });
    const bot = await createTestBot({
      commands: analyticsCommands(),
      sources: createSources(config, { metrics }),
      config,
      metrics,
    });
    try {
      const say = (text: string, user: string): Promise<unknown> => bot.say(text, { user, direct: true });
      const cold = summarize(await burst(say, n));
      const coldCalls = { ...umami.calls };
      context?.progress(`cold: ${JSON.stringify(coldCalls)}`);
      const warm = summarize(await burst(say, n));
      const sites = DEFAULT_UMAMI_WEBSITES.length;
      const how = `${n} concurrent !stats, ${sites} websites, Umami stand-in answering in 20 ms`;
      const rows: BenchRow[] = [
        {
          case: `${n}× !stats (cold)`,
          metric: 'Umami login calls',
          stats: coldCalls.login,
          better: 'lower',
          goal: '1',
          how,
        },
        {
          case: `${n}× !stats (cold)`,
          metric: 'Umami /websites calls',
          stats: coldCalls.websites,
          better: 'lower',
          goal: '1 per TTL',
          how,
        },
        {
          case: `${n}× !stats (cold)`,
          metric: `Umami /stats calls (${sites} sites)`,
          stats: coldCalls.stats,
          better: 'lower',
          goal: `${sites} (1 per site per TTL)`,
          how,
        },
        {
          case: `${n}× !stats (warm)`,
          metric: 'Umami calls in the second burst',
          stats:
            umami.calls.login +
            umami.calls.websites +
            umami.calls.stats -
            (coldCalls.login + coldCalls.websites + coldCalls.stats),
          better: 'lower',
          goal: '0',
          how,
        },
        { case: `${n}× !stats (cold)`, metric: 'median ms/reply', stats: round(cold.median), better: 'lower', how },
        { case: `${n}× !stats (warm)`, metric: 'median ms/reply', stats: round(warm.median), better: 'lower', how },
      ];
      context?.note(
        `Upstream economy: a cold burst of ${n} !stats made ${coldCalls.login} login, ${coldCalls.websites} website-list and ${coldCalls.stats} stats calls (TTL cache with in-flight coalescing); the warm burst made none.`,
      );
      return rows;
    } finally {
      await bot.stop();
      await umami.stop();
    }
  },
};

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

const DAY = 86_400_000;
const start = Date.parse('2026-02-01T23:00:00Z');
const dailyData: PeriodReportData = {
  period: 'daily',
  range: { startAt: start, endAt: start + DAY },
  analytics: {
    sites: Array.from({ length: 12 }, (_, i) => ({
      website: { id: `s${i}`, name: `app${i}.mana.how`, domain: undefined },
      stats: {
        current: { pageviews: 1000 + i * 37, visitors: 300 + i * 11, visits: 400, bounces: 100, totaltime: 5000 },
        previous: { pageviews: 900 + i * 41, visitors: 280 + i * 13, visits: 380, bounces: 90, totaltime: 4800 },
      },
    })),
    topPages: {
      title: 'Top pages',
      column: 'Page',
      rows: Array.from({ length: 5 }, (_, i) => ({ label: `/page/${i}?q=<b>${i}</b>`, value: 500 - i * 40 })),
    },
    topReferrers: {
      title: 'Top referrers',
      column: 'Referrer',
      rows: [
        { label: undefined, value: 300 },
        { label: 'google.com', value: 120 },
      ],
    },
  },
  infrastructure: {
    targets: Array.from({ length: 20 }, (_, i) => ({ job: `svc-${i}`, instance: `10.0.0.${i}:8080`, up: i !== 3 })),
    disks: [{ mountpoint: '/', usedPercent: 88, sizeBytes: 500e9, availableBytes: 60e9 }],
  },
  signups: { count: 14, previous: 9 },
};

const weekChart: ChartSpec = {
  kind: 'bar',
  title: 'Visitors per day',
  unit: 'visitors',
  series: [
    {
      name: 'Visitors',
      points: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((x, i) => ({
        x,
        y: [400, 380, 420, 390, 510, 300, 280][i] ?? 0,
      })),
    },
  ],
};

function timeSync(rounds: number, fn: () => unknown): number[] {
  for (let i = 0; i < Math.min(50, rounds); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Daily report build + render on the four renderers, and the 7-day chart to PNG. */
export const reportRendering: BenchCase = {
  name: 'render: daily report and chart PNG',
  description:
    'Builds the daily report (12 sites, 20 services) and renders it with each stock renderer; renders the 7-day traffic chart to PNG (ECharts SSR + resvg, DejaVu font).',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    const rounds = context?.quick ? 200 : 2000;
    const fmt = createFormatter('en', 'Europe/Berlin');
    const build = (): Document => periodReport(dailyData, fmt);
    const rows: BenchRow[] = [
      {
        case: 'daily report',
        metric: 'median µs to build',
        stats: round(summarize(timeSync(rounds, build)).median * 1000, 1),
        better: 'lower',
        how: `${rounds} builds of the daily report document`,
      },
    ];
    const doc = build();
    for (const renderer of [plainRenderer, matrixRenderer, telegramRenderer, discordRenderer] as const) {
      const s = summarize(timeSync(rounds, () => renderer.render(doc)));
      rows.push({
        case: `daily report → ${renderer.name}`,
        metric: 'median µs to render',
        stats: round(s.median * 1000, 1),
        better: 'lower',
        how: `${rounds} renders of the built daily report`,
      });
    }
    const first = performance.now();
    await renderChartPng(weekChart);
    const firstMs = performance.now() - first;
    const pngRounds = context?.quick ? 5 : 30;
    const samples: number[] = [];
    const cached: number[] = [];
    for (let i = 0; i < pngRounds; i++) {
      // A different chart each round, so every render is a real one (not the recent-chart cache).
      const spec: ChartSpec = {
        ...weekChart,
        series: [{ name: 'Visitors', points: weekChart.series[0]!.points.map((p) => ({ x: p.x, y: p.y + i })) }],
      };
      const t = performance.now();
      await renderChartPng(spec);
      samples.push(performance.now() - t);
      const c = performance.now();
      await renderChartPng(spec);
      cached.push(performance.now() - c);
    }
    const png = summarize(samples);
    rows.push(
      {
        case: '7-day chart → PNG',
        metric: 'median ms',
        stats: round(png.median, 1),
        better: 'lower',
        goal: '< 50 ms',
        how: `${pngRounds} distinct charts at 800×400 after a warm-up`,
      },
      {
        case: '7-day chart → PNG, same chart again (fan-out)',
        metric: 'median ms',
        stats: round(summarize(cached).median, 3),
        better: 'lower',
        how: 'the same spec rendered again, served from the recent-chart cache',
      },
      {
        case: '7-day chart → PNG (first, loads ECharts + resvg)',
        metric: 'ms',
        stats: round(firstMs, 0),
        better: 'lower',
        how: 'the first render in the process, including the lazy imports',
      },
    );
    return rows;
  },
};
