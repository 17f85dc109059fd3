import { document, type ChartSpec, type Document, type DocumentBuilder, sparkline } from '../document/index.js';
import type { UmamiMetricRow, UmamiStats, UmamiWebsite } from '../sources/index.js';
import type { Formatter } from './format.js';
import type { TimeRange } from './time-range.js';

/** One website's figures, or why there are none. */
export interface SiteStats {
  readonly website: UmamiWebsite;
  readonly stats: UmamiStats | undefined;
  /** A short reason when the figures could not be read (the upstream's user message). */
  readonly error?: string | undefined;
}

/** What `!stats`, `!today` and `!week` show. */
export interface WebsiteStatsData {
  readonly range: TimeRange;
  readonly sites: readonly SiteStats[];
  /** Visitors per day over the range (all sites), for a chart. */
  readonly daily?: readonly { readonly day: string; readonly visitors: number }[];
}

/** Visitors per website right now. */
export interface RealtimeData {
  readonly at: number;
  readonly sites: readonly { readonly website: UmamiWebsite; readonly active: number | undefined }[];
}

/** A top list (pages, referrers) over all sites. */
export interface TopRows {
  readonly title: string;
  /** The first column's header, e.g. `Page`. */
  readonly column: string;
  readonly rows: readonly UmamiMetricRow[];
}

const NONE = '(none)';

/** Sums every readable site's current and previous totals. */
export function totals(sites: readonly SiteStats[]): {
  visitors: number;
  pageviews: number;
  prevVisitors: number;
  prevPageviews: number;
} {
  let visitors = 0;
  let pageviews = 0;
  let prevVisitors = 0;
  let prevPageviews = 0;
  for (const s of sites) {
    if (!s.stats) continue;
    visitors += s.stats.current.visitors;
    pageviews += s.stats.current.pageviews;
    prevVisitors += s.stats.previous.visitors;
    prevPageviews += s.stats.previous.pageviews;
  }
  return { visitors, pageviews, prevVisitors, prevPageviews };
}

/** Appends the per-site table (busiest first), totals and unreadable sites to `doc`. */
export function appendSiteTable(doc: DocumentBuilder, sites: readonly SiteStats[], fmt: Formatter): DocumentBuilder {
  const readable = sites
    .filter((s) => s.stats !== undefined)
    .sort((a, b) => (b.stats?.current.visitors ?? 0) - (a.stats?.current.visitors ?? 0));
  const t = totals(sites);
  doc.fields([
    {
      label: fmt.t('Visitors'),
      value: `${fmt.number(t.visitors)} (${fmt.change(t.visitors, t.prevVisitors)})`,
      inline: true,
    },
    {
      label: fmt.t('Page views'),
      value: `${fmt.number(t.pageviews)} (${fmt.change(t.pageviews, t.prevPageviews)})`,
      inline: true,
    },
  ]);
  if (readable.length > 0) {
    doc.table(
      [fmt.t('Website'), fmt.t('Visitors'), 'Δ', fmt.t('Views'), 'Δ'],
      readable.map((s) => {
        const c = s.stats!.current;
        const p = s.stats!.previous;
        return [
          s.website.name,
          fmt.number(c.visitors),
          fmt.change(c.visitors, p.visitors),
          fmt.number(c.pageviews),
          fmt.change(c.pageviews, p.pageviews),
        ];
      }),
      ['left', 'right', 'right', 'right', 'right'],
    );
  }
  const failed = sites.filter((s) => s.stats === undefined);
  if (failed.length > 0) doc.list(failed.map((s) => `${s.website.name}: ${s.error ?? fmt.t('not accessible')}`));
  return doc;
}

/** `Mon, Feb 2` for a `YYYY-MM-DD` day key (noon UTC falls on that calendar day in every zone within ±12 h). */
function dayLabel(day: string, fmt: Formatter): string {
  const at = Date.parse(`${day}T12:00:00Z`);
  return Number.isNaN(at) ? day : fmt.day(at);
}

/** The chart of visitors per day plus its sparkline fallback. */
export function visitorsChart(
  daily: readonly { readonly day: string; readonly visitors: number }[],
  fmt: Formatter,
  title = fmt.t('Visitors per day'),
): { spec: ChartSpec; fallback: string } {
  const spec: ChartSpec = {
    kind: 'bar',
    title,
    unit: fmt.t('visitors'),
    locale: fmt.locale,
    series: [{ name: fmt.t('Visitors'), points: daily.map((d) => ({ x: dayLabel(d.day, fmt), y: d.visitors })) }],
  };
  const values = daily.map((d) => d.visitors);
  const fallback = `${title}: ${sparkline(values)} (${fmt.number(Math.min(...values))}–${fmt.number(Math.max(...values))})`;
  return { spec, fallback };
}

function websiteReport(title: string, data: WebsiteStatsData, fmt: Formatter): Document {
  const doc = document().heading(title);
  if (data.sites.length === 0)
    return doc.text(fmt.t('No websites in Umami yet.')).footer(`Umami · ${fmt.dateTime(data.range.endAt)}`);
  appendSiteTable(doc, data.sites, fmt);
  if (data.daily !== undefined && data.daily.length > 1) {
    const chart = visitorsChart(data.daily, fmt);
    doc.chart(chart.spec, chart.fallback);
  }
  return doc.footer(
    `Umami · ${fmt.dateTime(data.range.startAt)} – ${fmt.dateTime(data.range.endAt)} · ${fmt.t('Δ vs the previous period')}`,
  );
}

/** `!stats`: every website over the last 30 days with the change vs the 30 days before. */
export function statsReport(data: WebsiteStatsData, fmt: Formatter): Document {
  return websiteReport(fmt.t('Analytics: last 30 days'), data, fmt);
}

/** `!today`: every website since midnight. */
export function todayReport(data: WebsiteStatsData, fmt: Formatter): Document {
  return websiteReport(fmt.t('Today, {day}', { day: fmt.day(data.range.endAt) }), data, fmt);
}

/** `!week`: every website over the last 7 days, with a chart of visitors per day. */
export function weekReport(data: WebsiteStatsData, fmt: Formatter): Document {
  return websiteReport(fmt.t('Last 7 days'), data, fmt);
}

/** `!realtime`: visitors in the last 5 minutes per website. */
export function realtimeReport(data: RealtimeData, fmt: Formatter): Document {
  const doc = document().heading(fmt.t('Right now'));
  if (data.sites.length === 0) return doc.text(fmt.t('No websites in Umami yet.'));
  const sum = data.sites.reduce((acc, s) => acc + (s.active ?? 0), 0);
  doc.fields([{ label: fmt.t('Active visitors'), value: fmt.number(sum) }]);
  const rows = [...data.sites]
    .sort((a, b) => (b.active ?? -1) - (a.active ?? -1))
    .map((s) => [s.website.name, fmt.number(s.active)]);
  doc.table([fmt.t('Website'), fmt.t('Active')], rows, ['left', 'right']);
  return doc.footer(`Umami · ${fmt.t('last 5 minutes')} · ${fmt.time(data.at)}`);
}

/** Appends a top list (pages, referrers); empty labels read "(none)". */
export function appendTopRows(doc: DocumentBuilder, top: TopRows, fmt: Formatter): DocumentBuilder {
  doc.heading(top.title, 3);
  if (top.rows.length === 0) return doc.text(fmt.noData);
  return doc.table(
    [top.column, fmt.t('Count')],
    top.rows.map((r) => [r.label ?? NONE, fmt.number(r.value)]),
    ['left', 'right'],
  );
}
