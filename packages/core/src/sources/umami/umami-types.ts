/** A website as the bot needs it. */
export interface UmamiWebsite {
  readonly id: string;
  readonly name: string;
  /** The site's domain, `undefined` when Umami has none. */
  readonly domain: string | undefined;
}

/** Totals of one period. `visits` is `undefined` on Umami v2.0–v2.10, which does not count visits. */
export interface UmamiTotals {
  readonly pageviews: number;
  readonly visitors: number;
  readonly visits: number | undefined;
  readonly bounces: number;
  /** Summed visit duration in seconds. */
  readonly totaltime: number;
}

/** Stats of a range and of the previous period of the same length. */
export interface UmamiStats {
  readonly current: UmamiTotals;
  readonly previous: UmamiTotals;
}

/** A time range in Unix epoch milliseconds (what Umami takes as `startAt`/`endAt`). */
export interface UmamiRange {
  readonly startAt: number;
  readonly endAt: number;
}

/** One bucket of a series: `x` is the bucket start as Umami sent it. */
export interface UmamiPoint {
  readonly x: string;
  readonly y: number;
}

/** Page views and sessions per bucket; empty buckets are missing. */
export interface UmamiSeries {
  readonly pageviews: readonly UmamiPoint[];
  readonly sessions: readonly UmamiPoint[];
}

/** One row of a metric: `label` is `undefined` for none (direct traffic, unknown). */
export interface UmamiMetricRow {
  readonly label: string | undefined;
  readonly value: number;
}

/**
 * The metric types the bot asks for. `page` is `url` on Umami v2 and `path` on v3; `host` is
 * `host` on v2 and `hostname` on v3: the client sends what the detected version expects.
 */
export type UmamiMetricType =
  | 'page'
  | 'entry'
  | 'exit'
  | 'referrer'
  | 'host'
  | 'title'
  | 'event'
  | 'browser'
  | 'os'
  | 'device'
  | 'country'
  | 'language'
  | 'channel';

/** Bucket size of a series. */
export type UmamiUnit = 'minute' | 'hour' | 'day' | 'month' | 'year';

/** The API generation the client detected: v2 (nested stats, `url`) or v3 (flat stats, `path`). */
export type UmamiFlavor = 'v2' | 'v3';
