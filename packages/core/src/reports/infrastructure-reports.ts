import { document, type ChartSpec, type Document, sparkline } from '../document/index.js';
import type { DatabaseStatus, ServiceTraffic, SystemSnapshot, TargetState, TimeSeries } from '../sources/index.js';
import type { Formatter } from './format.js';

/** Disk use at or above this percentage is a warning. */
export const DISK_WARNING_PERCENT = 85;

/** The CPU/memory chart of `history` (Prometheus range), with its sparkline fallback. */
export function cpuMemoryChart(history: readonly TimeSeries[], fmt: Formatter): { spec: ChartSpec; fallback: string } {
  const spec: ChartSpec = {
    kind: 'line',
    title: fmt.t('CPU and memory'),
    unit: '%',
    locale: fmt.locale,
    series: history.map((s) => ({ name: s.name, points: s.points.map((p) => ({ x: fmt.time(p.t), y: p.v })) })),
  };
  const fallback = history.map((s) => `${s.name} ${sparkline(s.points.map((p) => p.v))}`).join('\n');
  return { spec, fallback };
}

/** `!system`: CPU, memory, disks, load and uptime, from Prometheus or the bot's host. */
export function systemReport(s: SystemSnapshot, fmt: Formatter, history?: readonly TimeSeries[]): Document {
  const doc = document().heading(
    s.hostname === undefined ? fmt.t('System') : fmt.t('System: {host}', { host: s.hostname }),
  );
  const memory =
    s.memoryTotalBytes !== undefined && s.memoryAvailableBytes !== undefined
      ? `${fmt.percent(s.memoryPercent)} (${fmt.t('{used} of {total}', { used: fmt.bytes(s.memoryTotalBytes - s.memoryAvailableBytes), total: fmt.bytes(s.memoryTotalBytes) })})`
      : fmt.percent(s.memoryPercent);
  const fields = [
    { label: 'CPU', value: fmt.percent(s.cpuPercent), inline: true },
    { label: fmt.t('Memory'), value: memory, inline: true },
    { label: fmt.t('Uptime'), value: fmt.duration(s.uptimeSeconds), inline: true },
    {
      label: s.cpuCount === undefined ? fmt.t('Load') : fmt.t('Load ({n} CPUs)', { n: fmt.number(s.cpuCount) }),
      value: s.load === undefined ? fmt.noData : s.load.map((l) => fmt.number(l, 2)).join(' · '),
      inline: true,
    },
  ];
  doc.fields(fields);
  if (s.disks.length === 0) doc.text(`${fmt.t('Disk')}: ${fmt.noData}`);
  else {
    doc.table(
      [fmt.t('Disk'), fmt.t('Used'), fmt.t('Free'), fmt.t('Size')],
      s.disks.map((d) => [
        d.mountpoint,
        fmt.percent(d.usedPercent),
        fmt.bytes(d.availableBytes),
        fmt.bytes(d.sizeBytes),
      ]),
      ['left', 'right', 'right', 'right'],
    );
  }
  const warnings = s.disks.filter((d) => d.usedPercent >= DISK_WARNING_PERCENT);
  if (warnings.length > 0 || (s.cpuPercent ?? 0) >= 90 || (s.memoryPercent ?? 0) >= 90) doc.withTone('warning');
  if (history !== undefined && history.some((h) => h.points.length > 1)) {
    const chart = cpuMemoryChart(history, fmt);
    doc.chart(chart.spec, chart.fallback);
  }
  return doc.footer(
    s.source === 'prometheus'
      ? fmt.t('Prometheus · node-exporter')
      : fmt.t('The bot’s own host (PROMETHEUS_URL is not set)'),
  );
}

/** `!services`: every scrape target UP or DOWN, down ones first. */
export function servicesReport(targets: readonly TargetState[], fmt: Formatter): Document {
  const down = targets.filter((t) => !t.up);
  const doc = document().heading(
    fmt.t('Services: {up} up, {down} down', {
      up: fmt.number(targets.length - down.length),
      down: fmt.number(down.length),
    }),
  );
  if (targets.length === 0) return doc.text(fmt.t('Prometheus has no scrape targets.'));
  doc.withTone(down.length > 0 ? 'error' : 'success');
  const sorted = [...down, ...targets.filter((t) => t.up)];
  return doc
    .table(
      [fmt.t('Service'), fmt.t('Instance'), fmt.t('State')],
      sorted.map((t) => [t.job, t.instance, t.up ? 'UP' : 'DOWN']),
    )
    .footer('Prometheus · up');
}

/** `!traffic`: requests/s, error rate and p95 latency per service. */
export function trafficReport(traffic: readonly ServiceTraffic[], fmt: Formatter): Document {
  const doc = document().heading(fmt.t('HTTP traffic (last 5 minutes)'));
  if (traffic.length === 0)
    return doc.text(fmt.t('No HTTP metrics (http_requests_total) in Prometheus, or not enough data yet.'));
  const latency = (s: number | undefined): string => (s === undefined ? fmt.noData : `${fmt.number(s * 1000)} ms`);
  const errors = (r: number | undefined): string => (r === undefined ? fmt.noData : fmt.percent(r * 100, 2));
  doc.table(
    [fmt.t('Service'), 'req/s', fmt.t('Errors'), 'p95'],
    traffic.map((t) => [t.job, fmt.number(t.requestsPerSecond, 2), errors(t.errorRate), latency(t.p95Seconds)]),
    ['left', 'right', 'right', 'right'],
  );
  if (traffic.some((t) => (t.errorRate ?? 0) >= 0.05)) doc.withTone('warning');
  return doc.footer('Prometheus · http_requests_total, http_request_duration_seconds');
}

/** `!db`: PostgreSQL and Redis status from their exporters. */
export function dbReport(status: DatabaseStatus, fmt: Formatter): Document {
  const doc = document().heading(fmt.t('Databases'));
  const pg = status.postgres;
  if (pg === undefined) doc.text(fmt.t('PostgreSQL: no data (postgres_exporter is not scraped).'));
  else {
    doc
      .heading(`PostgreSQL: ${pg.up ? 'UP' : 'DOWN'}`, 3)
      .fields([{ label: fmt.t('Connections'), value: fmt.number(pg.connections), inline: true }]);
    if (pg.databases.length > 0)
      doc.table(
        [fmt.t('Database'), fmt.t('Size')],
        pg.databases.map((d) => [d.name, fmt.bytes(d.sizeBytes)]),
        ['left', 'right'],
      );
  }
  const r = status.redis;
  if (r === undefined) doc.text(fmt.t('Redis: no data (redis_exporter is not scraped).'));
  else {
    doc.heading(`Redis: ${r.up ? 'UP' : 'DOWN'}`, 3).fields([
      { label: fmt.t('Clients'), value: fmt.number(r.clients), inline: true },
      { label: fmt.t('Memory'), value: fmt.bytes(r.memoryBytes), inline: true },
      { label: fmt.t('Keys'), value: fmt.number(r.keys), inline: true },
    ]);
  }
  if ((pg !== undefined && !pg.up) || (r !== undefined && !r.up)) doc.withTone('error');
  return doc.footer('Prometheus · postgres_exporter, redis_exporter');
}
