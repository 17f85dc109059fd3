import { DEFAULT_UMAMI_WEBSITES, startUmami, type RunningUmami } from '@stats/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyticsCommands, createPeriodReportBuilders } from '../../../src/app/commands/index.js';
import { loadConfig } from '../../../src/app/config/index.js';
import { discordRenderer, matrixRenderer, plainRenderer, telegramRenderer } from '../../../src/document/index.js';
import { createMetrics } from '../../../src/metrics/index.js';
import { createSources } from '../../../src/sources/index.js';
import { createTestBot, type TestBot } from '../../../src/testing/index.js';

const HOSTILE_NAME = '<script>alert(1)</script> *bold* [x](javascript:alert(1)) @everyone';
const websites = [
  ...DEFAULT_UMAMI_WEBSITES,
  {
    id: '11111111-2222-3333-4444-555555555555',
    name: HOSTILE_NAME,
    domain: '"><img src=x>',
    current: { pageviews: 5, visitors: 3, visits: 3, bounces: 1, totaltime: 20 },
    previous: { pageviews: 5, visitors: 3, visits: 3, bounces: 1, totaltime: 20 },
    active: 1,
    daily: [1, 2],
    metrics: { page: [{ x: '/<b>hi</b>', y: 4 }] },
  },
];

let umami: RunningUmami;
const bots: TestBot[] = [];

async function botWith(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<TestBot> {
  const config = loadConfig({ UMAMI_API_URL: umami.url, UMAMI_USERNAME: 'admin', UMAMI_PASSWORD: 'secret', ...env });
  const metrics = createMetrics({ processMetrics: false });
  const sources = createSources(config, {
    metrics,
    retryBaseMs: 1,
    timeoutMs: options.timeoutMs ?? 2000,
    hostSampleMs: 20,
  });
  const bot = await createTestBot({ commands: analyticsCommands(), sources, config, metrics });
  bots.push(bot);
  return bot;
}

beforeAll(async () => {
  umami = await startUmami({ version: 'v3', websites });
});
afterAll(() => umami.stop());
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
  umami.resetCalls();
});

describe('analytics commands against the Umami stand-in', () => {
  it('!stats lists every website with the change vs the previous 30 days', async () => {
    const { say } = await botWith({});
    const reply = await say('!stats');
    expect(reply.plain).toContain('Analytics: last 30 days');
    expect(reply.plain).toMatch(/chat\.mana\.how\s+2,301\s+\+15%\s+12,040\s+\+20%/);
    expect(reply.plain).toMatch(/todo\.mana\.how\s+80\s+new/);
    expect(reply.plain).toContain('2,384');
  });

  it('formats numbers for LOCALE=de', async () => {
    const { say } = await botWith({ LOCALE: 'de' });
    const reply = await say('!stats');
    expect(reply.plain).toContain('2.301');
    expect(reply.plain).toContain('12.040');
    expect(reply.plain).toContain('neu');
    expect(reply.plain).toContain('Analytics: letzte 30 Tage');
    expect(reply.plain).toMatch(/Besucher:?\s+2\.384/);
  });

  it('!today and !week answer, !week with a per-day chart fallback', async () => {
    const { say } = await botWith({});
    expect((await say('!today')).plain).toMatch(/^Today, /m);
    const week = await say('!week');
    expect(week.plain).toContain('Last 7 days');
    const chart = week.document.blocks.find((b) => b.type === 'chart');
    expect(chart?.type === 'chart' && chart.chart.series[0]?.points.length).toBeGreaterThan(1);
    expect(week.plain).toMatch(/[▁▂▃▄▅▆▇█]{2,}/);
  });

  it('!realtime sums the active visitors', async () => {
    const { say } = await botWith({});
    const reply = await say('!realtime');
    expect(reply.plain).toMatch(/Active visitors:?\s+8/);
  });

  it('keeps hostile website names as data in every renderer', async () => {
    const { say } = await botWith({});
    const { document } = await say('!stats');
    const matrix = matrixRenderer
      .render(document)
      .map((m) => m.formatted_body)
      .join('');
    expect(matrix).not.toContain('<script>');
    expect(matrix).toContain('&lt;script&gt;');
    const telegram = telegramRenderer.render(document).join('');
    expect(telegram).not.toContain('<script>');
    // Discord: the table is a code block, where markdown and links are inert; mentions are broken.
    const discord = discordRenderer.render(document);
    expect(JSON.stringify(discord)).not.toContain('@everyone');
    const descriptions = discord.flatMap((m) => m.embeds ?? []).map((e) => e.description ?? '');
    const withName = descriptions.filter((d) => d.includes('javascript:'));
    expect(withName.length).toBeGreaterThan(0);
    for (const d of withName) expect(d).toMatch(/^```\n[\s\S]*```$/);
    expect(plainRenderer.render(document).join('')).toContain('alert(1)');
  });

  it('names Umami when it fails, counts the error, and keeps serving', async () => {
    const bot = await botWith({});
    umami.fault('websites', { status: 500, times: 3 });
    const reply = await bot.say('!stats');
    expect(reply.plain).toContain('Umami answered with a server error (HTTP 500)');
    expect((await bot.say('!realtime')).plain).toMatch(/Active visitors/);
    const text = await bot.bot.metrics.registry.getSingleMetricAsString('stats_upstream_errors_total');
    expect(text).toContain('source="umami",kind="status"} 3');
  });

  it('says Umami did not answer in time when it is slow', async () => {
    const bot = await botWith({}, { timeoutMs: 200 });
    umami.fault('websites', { delayMs: 1500 });
    expect((await bot.say('!stats')).plain).toContain('Umami did not answer in time');
  });

  it('says Umami sent an unreadable answer when it is malformed', async () => {
    const bot = await botWith({});
    umami.fault('websites', { malformed: true });
    expect((await bot.say('!realtime')).plain).toContain('Umami sent an answer the bot could not read');
  });

  it('lists a website it may not read with the reason, and still answers for the others', async () => {
    const denied = await startUmami({ version: 'v2.16', deniedWebsiteIds: ['9b1d3c5e-7f20-4a6b-8c9d-1e2f3a4b5c6d'] });
    try {
      const config = loadConfig({ UMAMI_API_URL: denied.url, UMAMI_USERNAME: 'admin', UMAMI_PASSWORD: 'secret' });
      const bot = await createTestBot({
        commands: analyticsCommands(),
        sources: createSources(config, { retryBaseMs: 1 }),
        config,
      });
      bots.push(bot);
      const reply = await bot.say('!stats');
      expect(reply.plain).toMatch(/todo\.mana\.how: Umami refused access for the bot user/);
      expect(reply.plain).toMatch(/chat\.mana\.how\s+2,301/);
    } finally {
      await denied.stop();
    }
  });

  it('says which variables are missing for unconfigured sources', async () => {
    const { say } = await botWith({});
    expect((await say('!services')).plain).toContain('Prometheus is not configured: set PROMETHEUS_URL');
    expect((await say('!growth')).plain).toContain('User growth is not configured: set DATABASE_URL');
  });

  it('answers !system from the bot host without PROMETHEUS_URL', async () => {
    const { say } = await botWith({});
    const reply = await say('!system');
    expect(reply.plain).toMatch(/CPU:?\s+\d/);
    expect(reply.plain).toMatch(/^\s*\/\s+\d/m);
    expect(reply.plain).toContain('PROMETHEUS_URL is not set');
  });
});

describe('without Umami configured', () => {
  it('!stats says which variables to set', async () => {
    const config = loadConfig({});
    const bot = await createTestBot({ commands: analyticsCommands(), sources: createSources(config), config });
    bots.push(bot);
    expect((await bot.say('!stats')).plain).toContain(
      'Umami is not configured: set UMAMI_API_URL, UMAMI_USERNAME and UMAMI_PASSWORD (or UMAMI_API_KEY).',
    );
  });
});

describe('scheduled reports from Umami', () => {
  it('builds the daily and weekly reports with top pages and referrers', async () => {
    const config = loadConfig({
      UMAMI_API_URL: umami.url,
      UMAMI_USERNAME: 'admin',
      UMAMI_PASSWORD: 'secret',
      TZ: 'Europe/Berlin',
    });
    const { daily, weekly } = createPeriodReportBuilders(createSources(config, { retryBaseMs: 1 }), config);
    const scheduledAt = Date.parse('2026-02-09T08:00:00Z'); // Monday 09:00 in Berlin
    const day = plainRenderer.render(await daily({ scheduledAt }, { signal: AbortSignal.timeout(10_000) })).join('\n');
    expect(day).toContain('Daily report: Sun, Feb 8');
    expect(day).toMatch(/Visitors:?\s+2,384/);
    expect(day).toContain('Top pages');
    expect(day).toContain('chat.mana.how/login');
    expect(day).toMatch(/\(none\)\s+800/);
    expect(day).not.toContain('Infrastructure');
    const week = plainRenderer
      .render(await weekly({ scheduledAt }, { signal: AbortSignal.timeout(10_000) }))
      .join('\n');
    expect(week).toContain('Weekly report: Mon, Feb 2 – Sun, Feb 8');
  });

  it('keeps hostile page URLs and names as data in the daily report', async () => {
    const config = loadConfig({ UMAMI_API_URL: umami.url, UMAMI_USERNAME: 'admin', UMAMI_PASSWORD: 'secret' });
    const { daily } = createPeriodReportBuilders(createSources(config, { retryBaseMs: 1 }), config);
    const doc = await daily({ scheduledAt: Date.now() }, { signal: AbortSignal.timeout(10_000) });
    expect(plainRenderer.render(doc).join('\n')).toContain('/<b>hi</b>');
    const html = matrixRenderer
      .render(doc)
      .map((m) => m.formatted_body)
      .join('');
    expect(html).not.toMatch(/<b>hi<\/b>|<script>/);
    expect(html).toContain('&lt;b&gt;hi&lt;/b&gt;');
    expect(telegramRenderer.render(doc).join('')).not.toMatch(/<b>hi<\/b>|<script>/);
  });
});
