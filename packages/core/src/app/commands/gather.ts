import { isStatsError } from '../../errors/index.js';
import type { SiteStats, TimeRange, TopRows, WebsiteStatsData } from '../../reports/index.js';
import type { Sources, UmamiMetricType, UmamiWebsite } from '../../sources/index.js';

/** Options every gatherer takes. */
export interface GatherOptions {
  readonly signal?: AbortSignal | undefined;
  /** The IANA time zone for day buckets. */
  readonly timeZone: string;
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The chat text of a failure: a stats error's `userMessage`, else a generic line. */
export function reason(err: unknown): string {
  return isStatsError(err) ? err.userMessage : 'could not be read';
}

/** Every website's stats over `range`; a site that fails is listed with its reason. */
export async function gatherSiteStats(
  sources: Sources,
  range: TimeRange,
  options: GatherOptions,
  sites?: readonly UmamiWebsite[],
): Promise<SiteStats[]> {
  const umami = sources.umami;
  const websites = sites ?? (await umami.websites({ signal: options.signal }));
  return mapLimit(websites, 6, async (website) => {
    try {
      return { website, stats: await umami.stats(website.id, range, { signal: options.signal }) };
    } catch (err) {
      if (options.signal?.aborted) throw err;
      return { website, stats: undefined, error: reason(err) };
    }
  });
}

/** Visitors (sessions) per day over `range`, summed over `sites`. */
export async function gatherDailyVisitors(
  sources: Sources,
  sites: readonly UmamiWebsite[],
  range: TimeRange,
  options: GatherOptions,
): Promise<{ day: string; visitors: number }[]> {
  const umami = sources.umami;
  const perDay = new Map<string, number>();
  await mapLimit(sites, 6, async (site) => {
    const series = await umami
      .pageviews(site.id, range, 'day', options.timeZone, { signal: options.signal })
      .catch((err: unknown) => {
        if (options.signal?.aborted) throw err;
        return undefined;
      });
    for (const p of series?.sessions ?? []) {
      const day = p.x.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + p.y);
    }
  });
  return [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, visitors]) => ({ day, visitors }));
}

/** The top rows of one metric over every site (summed by label), largest first. */
export async function gatherTop(
  sources: Sources,
  sites: readonly UmamiWebsite[],
  type: UmamiMetricType,
  range: TimeRange,
  options: GatherOptions & { readonly title: string; readonly column: string; readonly limit?: number },
): Promise<TopRows> {
  const umami = sources.umami;
  const sums = new Map<string, number>();
  const limit = options.limit ?? 5;
  await mapLimit(sites, 6, async (site) => {
    const rows = await umami
      .metrics(site.id, type, range, { signal: options.signal, limit: 10 })
      .catch((err: unknown) => {
        if (options.signal?.aborted) throw err;
        return [];
      });
    for (const r of rows) {
      const label =
        sites.length > 1 && type === 'page' && r.label !== undefined ? `${site.name}${r.label}` : (r.label ?? '');
      sums.set(label, (sums.get(label) ?? 0) + r.value);
    }
  });
  const rows = [...sums.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([label, value]) => ({ label: label === '' ? undefined : label, value }));
  return { title: options.title, column: options.column, rows };
}

/** Stats plus (optionally) visitors per day for the website reports. */
export async function gatherWebsiteStats(
  sources: Sources,
  range: TimeRange,
  options: GatherOptions & { readonly daily?: boolean },
): Promise<WebsiteStatsData> {
  const sites = await sources.umami.websites({ signal: options.signal });
  const [stats, daily] = await Promise.all([
    gatherSiteStats(sources, range, options, sites),
    options.daily === true ? gatherDailyVisitors(sources, sites, range, options) : Promise.resolve(undefined),
  ]);
  return daily === undefined ? { range, sites: stats } : { range, sites: stats, daily };
}
