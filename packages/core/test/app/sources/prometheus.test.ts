import {
  startMetricsTarget,
  startPrometheus,
  startVictoriaMetrics,
  type RunningServer,
  type RunningTsdb,
} from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/errors/index.js';
import { analyticsCommands, createPeriodReportBuilders } from '../../../src/app/commands/index.js';
import { loadConfig } from '../../../src/app/config/index.js';
import { matrixRenderer, telegramRenderer } from '../../../src/document/index.js';
import { createSources, type PrometheusSource } from '../../../src/sources/index.js';
import { createTestBot } from '../../../src/testing/index.js';

/** A job name with markup: it must stay data all the way to the renderers. */
export const HOSTILE_JOB = '<img src=x onerror=alert(1)>&amp;';

function exposition(scrape: number): string {
  const job = `job="${HOSTILE_JOB}"`;
  return [
    '# TYPE http_requests_total counter',
    `http_requests_total{${job},status="200"} ${scrape * 9}`,
    `http_requests_total{${job},status="500"} ${scrape}`,
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{${job},le="0.1"} ${scrape * 5}`,
    `http_request_duration_seconds_bucket{${job},le="0.5"} ${scrape * 10}`,
    `http_request_duration_seconds_bucket{${job},le="+Inf"} ${scrape * 10}`,
    `http_request_duration_seconds_sum{${job}} ${scrape * 1.2}`,
    `http_request_duration_seconds_count{${job}} ${scrape * 10}`,
    'pg_up 1',
    'pg_stat_database_numbackends{datname="test"} 3',
    'pg_database_size_bytes{datname="test"} 8000000',
    'redis_up 1',
    'redis_connected_clients 2',
    'redis_memory_used_bytes 1048576',
    'redis_db_keys{db="db0"} 42',
    '',
  ].join('\n');
}

function sourceFor(url: string): PrometheusSource {
  return createSources(loadConfig({ PROMETHEUS_URL: url }), { retryBaseMs: 5, prometheusCacheTtlMs: 0 }).prometheus;
}

for (const kind of ['Prometheus', 'VictoriaMetrics'] as const) {
  describe(`${kind} (real server)`, () => {
    let tsdb: RunningTsdb;
    let target: RunningServer;
    let prom: PrometheusSource;

    beforeAll(async () => {
      target = await startMetricsTarget(exposition);
      const start = kind === 'Prometheus' ? startPrometheus : startVictoriaMetrics;
      tsdb = await start({
        nodeExporter: true,
        targets: [
          { job: 'app', url: target.url, honorLabels: true },
          { job: 'gone', url: 'http://127.0.0.1:9/metrics' },
        ],
      });
      await tsdb.waitFor('rate(node_cpu_seconds_total{mode="idle"}[1m])');
      await tsdb.waitFor('rate(http_requests_total[1m])');
      await tsdb.waitFor('up{job="gone"}');
      prom = sourceFor(tsdb.url);
    });
    afterAll(async () => {
      await tsdb?.stop();
      await target?.stop();
    });

    it('reads plausible system figures with the root mountpoint', async () => {
      const s = await prom.system();
      expect(s.source).toBe('prometheus');
      expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(s.cpuPercent).toBeLessThanOrEqual(100);
      expect(s.memoryPercent).toBeGreaterThan(0);
      expect(s.memoryPercent).toBeLessThan(100);
      expect(s.memoryTotalBytes).toBeGreaterThan(s.memoryAvailableBytes ?? Infinity);
      expect(s.disks[0]?.mountpoint).toBe('/');
      expect(s.disks[0]?.usedPercent).toBeGreaterThan(0);
      expect(s.disks[0]?.usedPercent).toBeLessThanOrEqual(100);
      expect(s.load).toHaveLength(3);
      expect(s.uptimeSeconds).toBeGreaterThan(0);
      expect(s.cpuCount).toBeGreaterThanOrEqual(1);
    });

    it('lists targets with the down one first', async () => {
      const targets = await prom.targets();
      expect(targets[0]).toMatchObject({ job: 'gone', up: false });
      expect(targets.filter((t) => t.up).map((t) => t.job)).toEqual(['app', 'node']);
    });

    it('reads traffic per service with the hostile job label kept as data', async () => {
      const traffic = await prom.traffic();
      const app = traffic.find((t) => t.job === HOSTILE_JOB);
      expect(app?.requestsPerSecond).toBeGreaterThan(0);
      expect(app?.errorRate).toBeGreaterThan(0.05);
      expect(app?.errorRate).toBeLessThan(0.15);
      expect(app?.p95Seconds).toBeGreaterThan(0);
      expect(app?.p95Seconds).toBeLessThanOrEqual(0.5);
    });

    it('reads PostgreSQL and Redis exporter figures', async () => {
      const db = await prom.databases();
      expect(db.postgres).toMatchObject({
        up: true,
        connections: 3,
        databases: [{ name: 'test', sizeBytes: 8_000_000 }],
      });
      expect(db.redis).toMatchObject({ up: true, clients: 2, memoryBytes: 1_048_576, keys: 42 });
    });

    it('reads a scalar expression as one sample, whatever the result type', async () => {
      const samples = await prom.query('1 + 1');
      expect(samples).toHaveLength(1);
      expect(samples[0]?.value).toBe(2);
      expect(samples[0]?.labels).toEqual({});
    });

    it('keeps NaN and Inf as numbers (VictoriaMetrics drops NaN series)', async () => {
      const nan = await prom.query('vector(0) / 0');
      if (kind === 'Prometheus') expect(Number.isNaN(nan[0]?.value)).toBe(true);
      else expect(nan).toEqual([]);
      expect((await prom.query('vector(1) / 0'))[0]?.value).toBe(Infinity);
      expect((await prom.query('vector(-1) / 0'))[0]?.value).toBe(-Infinity);
    });

    it('answers no series as an empty result, not an error', async () => {
      expect(await prom.query('metric_that_does_not_exist')).toEqual([]);
    });

    it('reads a range as series of points', async () => {
      const now = Date.now();
      const series = await prom.queryRange(prom.queries.memoryPercent, {
        start: now - 60_000,
        end: now,
        stepSeconds: 1,
      });
      expect(series).toHaveLength(1);
      expect(series[0]?.points.length).toBeGreaterThan(0);
      for (const p of series[0]?.points ?? []) expect(p.v).toBeGreaterThan(0);
      const history = await prom.cpuMemoryHistory(1);
      expect(history.map((h) => h.name)).toEqual(['CPU %', 'Memory %']);
      for (const p of history.flatMap((h) => h.points)) expect(p.v).toBeLessThanOrEqual(100);
    });

    it('answers !system, !services, !traffic and !db through the bot, markup kept as data', async () => {
      const config = loadConfig({ PROMETHEUS_URL: tsdb.url });
      const bot = await createTestBot({
        commands: analyticsCommands(),
        sources: createSources(config, { retryBaseMs: 5 }),
        config,
      });
      try {
        const system = await bot.say('!system');
        expect(system.plain).toMatch(/CPU:?\s+\d/);
        expect(system.plain).toMatch(/^\s*\/\s+\d/m);
        expect(system.plain).toContain('node-exporter');
        const services = await bot.say('!services');
        expect(services.plain).toMatch(/Services: 2 up, 1 down/);
        expect(services.plain.indexOf('gone')).toBeLessThan(services.plain.indexOf('node'));
        const traffic = await bot.say('!traffic');
        expect(traffic.plain).toContain(HOSTILE_JOB);
        const html = matrixRenderer
          .render(traffic.document)
          .map((m) => m.formatted_body)
          .join('');
        expect(html).not.toContain('<img');
        expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&amp;amp;');
        expect(telegramRenderer.render(traffic.document).join('')).not.toContain('<img');
        const db = await bot.say('!db');
        expect(db.plain).toContain('PostgreSQL: UP');
        expect(db.plain).toContain('Redis: UP');
      } finally {
        await bot.stop();
      }
    });

    it('builds the daily report with services down', async () => {
      const config = loadConfig({ PROMETHEUS_URL: tsdb.url });
      const { daily } = createPeriodReportBuilders(createSources(config), config);
      const doc = await daily({ scheduledAt: Date.now() }, { signal: AbortSignal.timeout(10_000) });
      expect(doc.tone).toBe('error');
      const text = JSON.stringify(doc.blocks);
      expect(text).toContain('1 of 3 services are DOWN');
      expect(text).toContain('gone');
    });

    it('turns a PromQL error into a short message naming Prometheus', async () => {
      const err = (await prom.query('sum(').catch((e: unknown) => e)) as UpstreamError;
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err.status).toBe(kind === 'Prometheus' ? 400 : 422);
      expect(err.retryable).toBe(false);
      expect(err.userMessage).toMatch(/^Prometheus rejected the request \(HTTP 4\d\d\): /);
    });
  });
}
