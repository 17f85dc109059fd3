import type { StatsConfig } from '../config/index.js';
import type { Document } from '../../document/index.js';
import {
  createFormatter,
  dayKey,
  periodReport,
  previousDays,
  type Formatter,
  type PeriodReportData,
  type TimeRange,
} from '../../reports/index.js';
import type { Sources } from '../../sources/index.js';
import { gatherSiteStats, gatherTop, reason } from './gather.js';

/** Builds one scheduled report; the shape the scheduler takes. */
export type PeriodReportBuilder = (
  period: { readonly scheduledAt: number },
  options: { readonly signal: AbortSignal },
) => Promise<Document>;

function before(range: TimeRange): TimeRange {
  return { startAt: range.startAt - (range.endAt - range.startAt), endAt: range.startAt };
}

/**
 * Gathers everything the daily (yesterday) or weekly (the 7 days before) report shows, from
 * whichever sources are configured; a failing source becomes a line in the report, never a
 * missing report.
 */
export async function gatherPeriodReport(
  sources: Sources,
  period: 'daily' | 'weekly',
  scheduledAt: number,
  options: { readonly signal: AbortSignal; readonly timeZone: string; readonly formatter?: Formatter },
): Promise<PeriodReportData> {
  const formatter = options.formatter;
  const t = (text: string): string => (formatter === undefined ? text : formatter.t(text));
  const range = previousDays(scheduledAt, options.timeZone, period === 'daily' ? 1 : 7);
  const gather = { signal: options.signal, timeZone: options.timeZone };
  const analytics = async (): Promise<PeriodReportData['analytics']> => {
    if (!sources.configured.includes('umami')) return undefined;
    try {
      const sites = await sources.umami.websites(gather);
      const [stats, topPages, topReferrers] = await Promise.all([
        gatherSiteStats(sources, range, gather, sites),
        gatherTop(sources, sites, 'page', range, { ...gather, title: t('Top pages'), column: t('Page') }),
        gatherTop(sources, sites, 'referrer', range, { ...gather, title: t('Top referrers'), column: t('Referrer') }),
      ]);
      return { sites: stats, topPages, topReferrers };
    } catch (err) {
      return { error: reason(err) };
    }
  };
  const infrastructure = async (): Promise<PeriodReportData['infrastructure']> => {
    if (!sources.configured.includes('prometheus')) return undefined;
    try {
      const [targets, system] = await Promise.all([
        sources.prometheus.targets(gather),
        sources.prometheus.system(gather),
      ]);
      return { targets, disks: system.disks };
    } catch (err) {
      return { error: reason(err) };
    }
  };
  const signups = async (): Promise<PeriodReportData['signups']> => {
    if (!sources.configured.includes('growth')) return undefined;
    try {
      const data = await sources.growth.signups(gather);
      const count = (r: TimeRange): number => {
        const from = dayKey(r.startAt, options.timeZone);
        const to = dayKey(r.endAt, options.timeZone);
        return data.days.filter((d) => d.day >= from && d.day < to).reduce((s, d) => s + d.signups, 0);
      };
      return { count: count(range), previous: count(before(range)) };
    } catch (err) {
      return { error: reason(err) };
    }
  };
  const [a, i, s] = await Promise.all([analytics(), infrastructure(), signups()]);
  return {
    period,
    range,
    ...(a ? { analytics: a } : {}),
    ...(i ? { infrastructure: i } : {}),
    ...(s ? { signups: s } : {}),
  };
}

/**
 * The scheduled daily and weekly report builders for the scheduler (`DAILY_REPORT_CRON`,
 * `WEEKLY_REPORT_CRON`), formatted for `LOCALE` and `TZ`.
 */
export function createPeriodReportBuilders(
  sources: Sources,
  config: Pick<StatsConfig, 'locale' | 'timeZone'>,
): { daily: PeriodReportBuilder; weekly: PeriodReportBuilder } {
  const fmt = createFormatter(config.locale, config.timeZone);
  const build =
    (period: 'daily' | 'weekly'): PeriodReportBuilder =>
    async (occurrence, options) =>
      periodReport(
        await gatherPeriodReport(sources, period, occurrence.scheduledAt, {
          signal: options.signal,
          timeZone: config.timeZone,
          formatter: fmt,
        }),
        fmt,
      );
  return { daily: build('daily'), weekly: build('weekly') };
}
