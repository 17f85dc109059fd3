import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, httpGet, pollUntil, requireBinary, spawnServer, type RunningServer } from './processes.js';

/** A scrape target: `job` name and base URL (its `/metrics` is scraped). */
export interface ScrapeTarget {
  readonly job: string;
  readonly url: string;
  /** Keep the target's own `job`/`instance` labels (default false). */
  readonly honorLabels?: boolean;
}

/** Options of {@link startPrometheus} and {@link startVictoriaMetrics}. */
export interface TsdbOptions {
  /** Also start `prometheus-node-exporter` and scrape it as job `node`. */
  readonly nodeExporter?: boolean;
  /** More targets to scrape. */
  readonly targets?: readonly ScrapeTarget[];
  /** Scrape interval in seconds (default 1). */
  readonly scrapeIntervalSeconds?: number;
}

/** A running time-series server. */
export interface RunningTsdb extends RunningServer {
  /** The node-exporter's URL, when started. */
  readonly nodeExporterUrl: string | undefined;
  /** Resolves once `query` has a non-empty result (e.g. after the first scrapes). */
  waitFor(query: string, timeoutMs?: number): Promise<void>;
}

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

/** Starts `prometheus-node-exporter` on a free loopback port. */
export async function startNodeExporter(): Promise<RunningServer> {
  requireBinary(NODE_EXPORTER, 'prometheus-node-exporter');
  const port = await freePort();
  const proc = spawnServer(NODE_EXPORTER, [
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    '--collector.cpu',
    '--collector.meminfo',
    '--collector.filesystem',
    '--collector.loadavg',
    '--collector.time',
    '--collector.stat',
    '--collector.uname',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await pollUntil(
    'prometheus-node-exporter',
    async () => ((await httpGet(`${url}/metrics`)).status === 200 ? true : undefined),
    15_000,
    proc.output,
  );
  return { url, stop: proc.stop };
}

function scrapeConfig(targets: readonly ScrapeTarget[], intervalSeconds: number): string {
  const jobs = targets.map((t) => {
    const u = new URL(t.url);
    return [
      `  - job_name: ${JSON.stringify(t.job)}`,
      `    honor_labels: ${t.honorLabels === true}`,
      `    metrics_path: ${JSON.stringify(u.pathname === '/' ? '/metrics' : u.pathname)}`,
      `    static_configs:`,
      `      - targets: [${JSON.stringify(u.host)}]`,
    ].join('\n');
  });
  return `global:\n  scrape_interval: ${intervalSeconds}s\nscrape_configs:\n${jobs.join('\n')}\n`;
}

async function waitForQuery(url: string, query: string, timeoutMs: number): Promise<void> {
  await pollUntil(
    `a result for ${query}`,
    async () => {
      const { status, text } = await httpGet(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
      if (status !== 200) return undefined;
      const body = JSON.parse(text) as { data?: { result?: unknown[] } };
      return (body.data?.result?.length ?? 0) > 0 ? true : undefined;
    },
    timeoutMs,
  );
}

async function withTargets(
  options: TsdbOptions,
): Promise<{ targets: ScrapeTarget[]; exporter: RunningServer | undefined }> {
  const exporter = options.nodeExporter ? await startNodeExporter() : undefined;
  const targets = [...(exporter ? [{ job: 'node', url: exporter.url }] : []), ...(options.targets ?? [])];
  return { targets, exporter };
}

/**
 * Waits until a started TSDB answers `healthPath` with 200 and returns its handle; on failure
 * stops the process and its exporter, removes the data dir, and rethrows.
 */
async function untilReady(
  name: string,
  port: number,
  healthPath: string,
  proc: ReturnType<typeof spawnServer>,
  exporter: { readonly url: string; stop(): Promise<void> } | undefined,
  dir: string,
): Promise<RunningTsdb> {
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await proc.stop();
    await exporter?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil(
      name,
      async () => ((await httpGet(`${url}${healthPath}`)).status === 200 ? true : undefined),
      30_000,
      proc.output,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    nodeExporterUrl: exporter?.url,
    stop,
    waitFor: (query, timeoutMs = 30_000) => waitForQuery(url, query, timeoutMs),
  };
}

/**
 * Starts the real `prometheus` (Debian package) on a free loopback port with a temp data dir
 * and a short scrape interval, optionally with a node-exporter; `stop()` ends both and
 * removes the data.
 *
 * @example
 * const prometheus = await startPrometheus({ nodeExporter: true });
 * await prometheus.waitFor('rate(node_cpu_seconds_total[1m])');
 */
export async function startPrometheus(options: TsdbOptions = {}): Promise<RunningTsdb> {
  requireBinary('/usr/bin/prometheus', 'prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'stats-prometheus-'));
  const { targets, exporter } = await withTargets(options);
  const interval = options.scrapeIntervalSeconds ?? 1;
  await writeFile(join(dir, 'prometheus.yml'), scrapeConfig(targets, interval));
  const port = await freePort();
  const proc = spawnServer('/usr/bin/prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1h',
    '--log.level=warn',
  ]);
  return untilReady('prometheus', port, '/-/ready', proc, exporter, dir);
}

/**
 * Starts the real `victoria-metrics` (Debian package) on a free loopback port with a temp data
 * dir, scraping like Prometheus (`-promscrape.config`) and with `-search.latencyOffset=1s` so
 * fresh samples are visible at once.
 */
export async function startVictoriaMetrics(options: TsdbOptions = {}): Promise<RunningTsdb> {
  requireBinary('/usr/bin/victoria-metrics', 'victoria-metrics');
  const dir = await mkdtemp(join(tmpdir(), 'stats-victoria-'));
  const { targets, exporter } = await withTargets(options);
  await writeFile(join(dir, 'scrape.yml'), scrapeConfig(targets, options.scrapeIntervalSeconds ?? 1));
  const port = await freePort();
  const proc = spawnServer('/usr/bin/victoria-metrics', [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${join(dir, 'data')}`,
    `-promscrape.config=${join(dir, 'scrape.yml')}`,
    '-search.latencyOffset=1s',
    '-retentionPeriod=1d',
    '-loggerLevel=ERROR',
  ]);
  return untilReady('victoria-metrics', port, '/health', proc, exporter, dir);
}
