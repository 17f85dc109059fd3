import { sortDisks, type DiskUsage, type SystemSnapshot } from '../system/index.js';
import type { PrometheusClient } from './prometheus-client.js';
import { singleValue, type Sample, type Series } from './prom-result.js';
import type { PrometheusQueries } from './prometheus-queries.js';

/** One scrape target and whether it is up. */
export interface TargetState {
  readonly job: string;
  readonly instance: string;
  readonly up: boolean;
}

/** HTTP traffic of one service (job). `undefined` = no data (e.g. too few samples yet). */
export interface ServiceTraffic {
  readonly job: string;
  readonly requestsPerSecond: number | undefined;
  /** 0–1: 5xx over all requests. */
  readonly errorRate: number | undefined;
  readonly p95Seconds: number | undefined;
}

/** PostgreSQL and Redis as their exporters report them; `undefined` = exporter not scraped. */
export interface DatabaseStatus {
  readonly postgres:
    | {
        readonly up: boolean;
        readonly connections: number | undefined;
        readonly databases: readonly { readonly name: string; readonly sizeBytes: number }[];
      }
    | undefined;
  readonly redis:
    | {
        readonly up: boolean;
        readonly clients: number | undefined;
        readonly memoryBytes: number | undefined;
        readonly keys: number | undefined;
      }
    | undefined;
}

/** A time series of one figure, for charts (`t` in Unix ms). */
export interface TimeSeries {
  readonly name: string;
  readonly points: readonly { readonly t: number; readonly v: number }[];
}

type Signal = { readonly signal?: AbortSignal | undefined };

const finite = (v: number | undefined): number | undefined => (v === undefined || !Number.isFinite(v) ? undefined : v);

/** Reads the host's vital signs from node-exporter metrics in Prometheus. */
export async function readSystem(
  prom: PrometheusClient,
  q: PrometheusQueries,
  options: Signal = {},
): Promise<SystemSnapshot> {
  const ask = (expr: string): Promise<Sample[]> => prom.query(expr, { signal: options.signal });
  const [cpu, mem, memTotal, memAvail, diskPct, diskSize, diskAvail, l1, l5, l15, uptime, cpus, uname] =
    await Promise.all([
      ask(q.cpuPercent),
      ask(q.memoryPercent),
      ask(q.memoryTotalBytes),
      ask(q.memoryAvailableBytes),
      ask(q.diskPercent),
      ask(q.diskSizeBytes),
      ask(q.diskAvailableBytes),
      ask(q.load1),
      ask(q.load5),
      ask(q.load15),
      ask(q.uptimeSeconds),
      ask(q.cpuCount),
      ask(q.hostname),
    ]);
  const byMount = (samples: Sample[]): Map<string, number> =>
    new Map(samples.map((s) => [s.labels['mountpoint'] ?? '', s.value]));
  const sizes = byMount(diskSize);
  const avails = byMount(diskAvail);
  const seen = new Set<string>();
  const disks: DiskUsage[] = [];
  for (const s of diskPct) {
    const mountpoint = s.labels['mountpoint'];
    if (mountpoint === undefined || seen.has(mountpoint) || !Number.isFinite(s.value)) continue;
    seen.add(mountpoint);
    disks.push({
      mountpoint,
      usedPercent: s.value,
      sizeBytes: finite(sizes.get(mountpoint)),
      availableBytes: finite(avails.get(mountpoint)),
    });
  }
  const loads = [singleValue(l1), singleValue(l5), singleValue(l15)];
  return {
    source: 'prometheus',
    hostname: uname[0]?.labels['nodename'],
    cpuPercent: singleValue(cpu),
    memoryPercent: singleValue(mem),
    memoryTotalBytes: singleValue(memTotal),
    memoryAvailableBytes: singleValue(memAvail),
    disks: sortDisks(disks),
    load: loads.every((v) => v !== undefined) ? (loads as [number, number, number]) : undefined,
    uptimeSeconds: singleValue(uptime),
    cpuCount: singleValue(cpus),
  };
}

/** Every scrape target, down ones first, then by job and instance. */
export async function readTargets(
  prom: PrometheusClient,
  q: PrometheusQueries,
  options: Signal = {},
): Promise<TargetState[]> {
  const samples = await prom.query(q.up, { signal: options.signal });
  return samples
    .map((s) => ({ job: s.labels['job'] ?? '(no job)', instance: s.labels['instance'] ?? '', up: s.value === 1 }))
    .sort((a, b) => Number(a.up) - Number(b.up) || a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
}

/** Requests/s, 5xx error rate and p95 latency per job, busiest first. */
export async function readTraffic(
  prom: PrometheusClient,
  q: PrometheusQueries,
  statusLabel: string,
  options: Signal = {},
): Promise<ServiceTraffic[]> {
  const [rates, p95] = await Promise.all([
    prom.query(q.requestRate, { signal: options.signal }),
    prom.query(q.latencyP95, { signal: options.signal }),
  ]);
  const jobs = new Map<string, { total: number; errors: number; any: boolean }>();
  for (const s of rates) {
    const job = s.labels['job'] ?? '(no job)';
    const entry = jobs.get(job) ?? { total: 0, errors: 0, any: false };
    if (Number.isFinite(s.value)) {
      entry.total += s.value;
      entry.any = true;
      if (/^5\d\d$/.test(s.labels[statusLabel] ?? '')) entry.errors += s.value;
    }
    jobs.set(job, entry);
  }
  const latency = new Map(p95.map((s) => [s.labels['job'] ?? '(no job)', finite(s.value)]));
  for (const job of latency.keys()) if (!jobs.has(job)) jobs.set(job, { total: 0, errors: 0, any: false });
  return [...jobs.entries()]
    .map(([job, e]) => ({
      job,
      requestsPerSecond: e.any ? e.total : undefined,
      errorRate: e.any && e.total > 0 ? e.errors / e.total : e.any ? 0 : undefined,
      p95Seconds: latency.get(job),
    }))
    .sort((a, b) => (b.requestsPerSecond ?? -1) - (a.requestsPerSecond ?? -1) || a.job.localeCompare(b.job));
}

/** PostgreSQL and Redis status from postgres_exporter and redis_exporter. */
export async function readDatabases(
  prom: PrometheusClient,
  q: PrometheusQueries,
  options: Signal = {},
): Promise<DatabaseStatus> {
  const ask = (expr: string): Promise<Sample[]> => prom.query(expr, { signal: options.signal });
  const [pgUp, pgConn, pgSize, rUp, rClients, rMem, rKeys] = await Promise.all([
    ask(q.pgUp),
    ask(q.pgConnections),
    ask(q.pgDatabaseSize),
    ask(q.redisUp),
    ask(q.redisClients),
    ask(q.redisMemory),
    ask(q.redisKeys),
  ]);
  return {
    postgres:
      pgUp.length === 0
        ? undefined
        : {
            up: pgUp.some((s) => s.value === 1),
            connections: singleValue(pgConn),
            databases: pgSize
              .filter((s) => Number.isFinite(s.value))
              .map((s) => ({ name: s.labels['datname'] ?? '?', sizeBytes: s.value }))
              .sort((a, b) => b.sizeBytes - a.sizeBytes),
          },
    redis:
      rUp.length === 0
        ? undefined
        : {
            up: rUp.some((s) => s.value === 1),
            clients: singleValue(rClients),
            memoryBytes: singleValue(rMem),
            keys: singleValue(rKeys),
          },
  };
}

/** CPU and memory used % over a range (for the CPU/memory chart). */
export async function readCpuMemoryHistory(
  prom: PrometheusClient,
  q: PrometheusQueries,
  range: { readonly start: number; readonly end: number; readonly stepSeconds: number } & Signal,
): Promise<TimeSeries[]> {
  const toSeries = (name: string, series: Series[]): TimeSeries => ({
    name,
    points: (series[0]?.points ?? [])
      .filter((p) => Number.isFinite(p.v))
      .map((p) => ({ t: Math.round(p.t * 1000), v: p.v })),
  });
  const [cpu, mem] = await Promise.all([prom.queryRange(q.cpuPercent, range), prom.queryRange(q.memoryPercent, range)]);
  return [toSeries('CPU %', cpu), toSeries('Memory %', mem)];
}
