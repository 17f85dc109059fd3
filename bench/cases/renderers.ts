import {
  discordRenderer,
  document,
  matrixRenderer,
  plainRenderer,
  sparkline,
  telegramRenderer,
  textDocument,
  type Document,
  type Renderer,
} from '@stats/core';
import { Bench } from 'tinybench';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';

/** A daily report as the reports module builds it: fields, two top-10 tables, a chart, a footer. */
function dailyReport(): Document {
  const hours = Array.from({ length: 24 }, (_, h) => Math.round(40 + 30 * Math.sin(h / 3)));
  return document()
    .withTone('info')
    .heading('Daily report · example.org', 1)
    .fields([
      { label: 'Visitors', value: '1,204', inline: true },
      { label: 'Page views', value: '3,877', inline: true },
      { label: 'Visits', value: '1,530', inline: true },
      { label: 'Bounce rate', value: '41 %', inline: true },
      { label: 'Avg. visit', value: '2 min 13 s', inline: true },
      { label: 'vs. yesterday', value: '+8 %', inline: true },
    ])
    .heading('Top pages', 3)
    .table(
      ['page', 'views'],
      Array.from({ length: 10 }, (_, i) => [`/blog/post-${i}?utm_source=<news>&x="y"`, String(900 - i * 71)]),
      ['left', 'right'],
    )
    .heading('Top referrers', 3)
    .table(
      ['referrer', 'visitors'],
      Array.from({ length: 10 }, (_, i) => [`https://ref-${i}.example.com/path_with_*stars*`, String(300 - i * 23)]),
      ['left', 'right'],
    )
    .chart({ kind: 'line', title: 'Visitors per hour', series: [] }, `visitors ${sparkline(hours)}`)
    .list(['Germany 41 %', 'Austria 12 %', 'Switzerland 9 %'])
    .footer('Umami · 2026-11-26 09:00 Europe/Berlin');
}

const RENDERERS: readonly Renderer<unknown>[] = [plainRenderer, matrixRenderer, telegramRenderer, discordRenderer];

/**
 * Renderers: ops/s of rendering a daily-report-sized document on each stock renderer, plus the
 * plain renderer's fast path for a one-paragraph reply (`pong`), measured with tinybench.
 */
export const renderers: BenchCase = {
  name: 'renderers',
  description:
    'Renders one daily-report-sized document (heading, six fields, two 10-row tables with markup in the cells, a sparkline chart, a list, a footer) with each stock renderer, and the one-paragraph `pong` reply with the plain renderer, in a tinybench loop; the figure is operations per second (1000 / mean ms per render).',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    const quick = context?.quick ?? false;
    const report = dailyReport();
    const pong = textDocument('pong');
    const bench = new Bench({ time: quick ? 200 : 2000, warmup: true });
    for (const renderer of RENDERERS) bench.add(`daily report: ${renderer.name}`, () => void renderer.render(report));
    bench.add('pong: plain', () => void plainRenderer.render(pong));
    await bench.run();
    const rows: BenchRow[] = [];
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`renderers: ${task.name} did not complete (${result.state})`);
      const opsPerSecond = Math.round(1000 / result.period);
      context?.progress(`${task.name}: ${opsPerSecond.toLocaleString('en')} ops/s`);
      rows.push({
        case: `render ${task.name}`,
        metric: 'ops/s',
        stats: opsPerSecond,
        better: 'higher',
        ...(task.name.startsWith('pong') ? { goal: '≥ 1,000,000 ops/s (≤ 1 µs per !ping round trip)' } : {}),
        how: task.name.startsWith('pong')
          ? 'tinybench: plainRenderer.render(textDocument("pong")), the fast path of every plain reply'
          : `tinybench: ${task.name.split(': ')[1] ?? ''}Renderer.render(daily report), sanitising, escaping and splitting included`,
      });
    }
    return rows;
  },
};
