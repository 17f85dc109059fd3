/**
 * How each Umami version answers, per `contracts/umami.md`: the stand-in picks one of these by
 * its `version` switch.
 */

/** The Umami versions whose answer shapes the stand-in speaks. */
export type UmamiVersion = 'v2.0' | 'v2.8' | 'v2.11' | 'v2.12' | 'v2.16' | 'v3';

/** Totals of one period. */
export interface UmamiFixtureTotals {
  readonly pageviews: number;
  readonly visitors: number;
  readonly visits: number;
  readonly bounces: number;
  readonly totaltime: number;
}

const ORDER: readonly UmamiVersion[] = ['v2.0', 'v2.8', 'v2.11', 'v2.12', 'v2.16', 'v3'];

/** True when `version` is `since` or newer. */
export function atLeast(version: UmamiVersion, since: UmamiVersion): boolean {
  return ORDER.indexOf(version) >= ORDER.indexOf(since);
}

/** The `/stats` body of `version`. */
export function statsBody(version: UmamiVersion, current: UmamiFixtureTotals, previous: UmamiFixtureTotals): unknown {
  const keys = ['pageviews', 'visitors', 'visits', 'bounces', 'totaltime'] as const;
  if (version === 'v3') return { ...current, comparison: { ...previous } };
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key === 'visits' && !atLeast(version, 'v2.11')) continue;
    const name = key === 'visitors' && !atLeast(version, 'v2.11') ? 'uniques' : key;
    // v2.12+ passes database values through: numbers may be strings.
    out[name] = atLeast(version, 'v2.12')
      ? { value: String(current[key]), prev: String(previous[key]) }
      : { value: current[key], change: current[key] - previous[key] };
  }
  return out;
}

/** The `/active` body of `version`. */
export function activeBody(version: UmamiVersion, visitors: number): unknown {
  if (!atLeast(version, 'v2.8')) return [{ x: visitors }];
  if (!atLeast(version, 'v2.16')) return { x: visitors };
  return { visitors };
}

/** The `/websites` body of `version` for one page. */
export function websitesBody(
  version: UmamiVersion,
  page: readonly unknown[],
  count: number,
  pageNo: number,
  pageSize: number,
): unknown {
  if (version === 'v2.0') return page;
  const body: Record<string, unknown> = { data: page, count, page: pageNo, pageSize, orderBy: 'name' };
  if (version === 'v3') body['search'] = null;
  return body;
}

/** An error answer of `version`: status, content type and body text. */
export function errorBody(
  version: UmamiVersion,
  status: number,
  message: string,
  details: readonly string[] = [],
): { readonly type: string; readonly text: string } {
  const reason: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    405: 'Method Not Allowed',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
  };
  if (!atLeast(version, 'v2.16'))
    return {
      type: 'text/plain',
      text: status === 400 && details.length > 0 ? details.join(', ') : `${status} ${reason[status] ?? 'Error'}`,
    };
  if (version !== 'v3') {
    if (status === 400)
      return { type: 'application/json', text: JSON.stringify({ error: details.length > 0 ? details : [message] }) };
    return { type: 'application/json', text: JSON.stringify({ error: message }) };
  }
  const code = message.toLowerCase().replace(/[^a-z]+/g, '-');
  const error: Record<string, unknown> = { message, code, status };
  if (status === 400) error['errors'] = details;
  return { type: 'application/json', text: JSON.stringify({ error }) };
}
