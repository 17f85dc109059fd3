import { document, type Document } from '../document/index.js';
import type { DiskUsage, TargetState } from '../sources/index.js';
import type { Formatter } from './format.js';
import { DISK_WARNING_PERCENT } from './infrastructure-reports.js';
import type { TimeRange } from './time-range.js';
import { appendSiteTable, appendTopRows, type SiteStats, type TopRows } from './website-reports.js';

/**
 * What the scheduled daily and weekly reports show. A part is `undefined` when its source is
 * not configured (left out), or carries an `error` when its source failed (said so).
 */
export interface PeriodReportData {
  readonly period: 'daily' | 'weekly';
  readonly range: TimeRange;
  readonly analytics?:
    | { readonly sites: readonly SiteStats[]; readonly topPages?: TopRows; readonly topReferrers?: TopRows }
    | { readonly error: string };
  readonly infrastructure?:
    { readonly targets: readonly TargetState[]; readonly disks: readonly DiskUsage[] } | { readonly error: string };
  readonly signups?: { readonly count: number; readonly previous: number } | { readonly error: string };
}

/**
 * The daily (yesterday) or weekly (last 7 days) report: visitors and page views vs the previous
 * period, the busiest sites, top pages and referrers, services down, disk warnings, sign-ups.
 */
export function periodReport(data: PeriodReportData, fmt: Formatter): Document {
  const lastDay = data.range.endAt - 1;
  const title =
    data.period === 'daily'
      ? fmt.t('Daily report: {day}', { day: fmt.day(data.range.startAt) })
      : fmt.t('Weekly report: {from} – {to}', { from: fmt.day(data.range.startAt), to: fmt.day(lastDay) });
  const doc = document().heading(title, 1);
  let tone: 'success' | 'warning' | 'error' = 'success';

  const a = data.analytics;
  if (a !== undefined) {
    doc.heading(fmt.t('Analytics'), 2);
    if ('error' in a) {
      doc.text(a.error);
      tone = 'warning';
    } else if (a.sites.length === 0) doc.text(fmt.t('No websites in Umami yet.'));
    else {
      appendSiteTable(doc, a.sites, fmt);
      if (a.topPages) appendTopRows(doc, a.topPages, fmt);
      if (a.topReferrers) appendTopRows(doc, a.topReferrers, fmt);
    }
  }

  const infra = data.infrastructure;
  if (infra !== undefined) {
    doc.heading(fmt.t('Infrastructure'), 2);
    if ('error' in infra) {
      doc.text(infra.error);
      tone = 'warning';
    } else {
      const down = infra.targets.filter((t) => !t.up);
      if (down.length === 0) doc.text(fmt.t('All {n} services are up.', { n: fmt.number(infra.targets.length) }));
      else {
        tone = 'error';
        doc
          .text(
            fmt.t('{down} of {n} services are DOWN:', {
              down: fmt.number(down.length),
              n: fmt.number(infra.targets.length),
            }),
          )
          .list(down.map((t) => `${t.job} (${t.instance})`));
      }
      const full = infra.disks.filter((d) => d.usedPercent >= DISK_WARNING_PERCENT);
      if (full.length > 0) {
        if (tone === 'success') tone = 'warning';
        doc.text(fmt.t('Disks filling up:')).list(
          full.map((d) =>
            fmt.t('{mount}: {used} used, {free} free', {
              mount: d.mountpoint,
              used: fmt.percent(d.usedPercent),
              free: fmt.bytes(d.availableBytes),
            }),
          ),
        );
      }
    }
  }

  const s = data.signups;
  if (s !== undefined) {
    doc.heading(fmt.t('Sign-ups'), 2);
    if ('error' in s) doc.text(s.error);
    else
      doc.fields([
        {
          label: fmt.t(data.period === 'daily' ? 'New users' : 'New users this week'),
          value: `${fmt.number(s.count)} (${fmt.change(s.count, s.previous)})`,
        },
      ]);
  }
  if (a === undefined && infra === undefined && s === undefined) {
    doc.text(fmt.t('Nothing to report: set UMAMI_API_URL, PROMETHEUS_URL or DATABASE_URL.'));
    tone = 'warning';
  }
  return doc
    .withTone(tone)
    .footer(
      `${fmt.dateTime(data.range.startAt)} – ${fmt.dateTime(data.range.endAt)} · ${fmt.t('Δ vs the previous period')}`,
    );
}
