import type {
  UmamiFlavor,
  UmamiMetricRow,
  UmamiPoint,
  UmamiSeries,
  UmamiStats,
  UmamiTotals,
  UmamiWebsite,
} from './umami-types.js';

/** Thrown by the readers below when a body is not of any known shape; the client wraps it. */
export class ShapeError extends Error {}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Umami numbers arrive as numbers or numeric strings; anything else is a shape error. */
export function num(value: unknown, what: string): number {
  if (value === null || value === undefined) return 0;
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new ShapeError(`${what} is not a number`);
  return n;
}

/** A page of `GET /api/websites`: a bare array (v2.0–v2.4) or `{ data, count }`. */
export function readWebsitePage(body: unknown): {
  readonly sites: UmamiWebsite[];
  readonly count: number | undefined;
  readonly flavor: UmamiFlavor | undefined;
} {
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body['data']) ? body['data'] : undefined;
  if (list === undefined) throw new ShapeError('websites answer is neither an array nor { data: [] }');
  const sites = list.map((item: unknown, i) => {
    if (!isObject(item) || typeof item['id'] !== 'string') throw new ShapeError(`website ${i} has no id`);
    const name = typeof item['name'] === 'string' && item['name'] !== '' ? item['name'] : item['id'];
    const domain = typeof item['domain'] === 'string' && item['domain'] !== '' ? item['domain'] : undefined;
    return { id: item['id'], name, domain };
  });
  const count = isObject(body) && body['count'] !== undefined ? num(body['count'], 'count') : undefined;
  const flavor: UmamiFlavor | undefined = Array.isArray(body)
    ? 'v2'
    : isObject(body) && 'search' in body
      ? 'v3'
      : undefined;
  return { sites, count, flavor };
}

function nestedTotals(body: Obj, pick: (field: Obj, key: string) => number): UmamiTotals {
  const field = (key: string): Obj | undefined => (isObject(body[key]) ? (body[key] as Obj) : undefined);
  const get = (key: string): number => {
    const f = field(key);
    return f === undefined ? 0 : pick(f, key);
  };
  const visitorsKey = field('visitors') !== undefined ? 'visitors' : 'uniques';
  return {
    pageviews: get('pageviews'),
    visitors: get(visitorsKey),
    visits: field('visits') === undefined ? undefined : get('visits'),
    bounces: get('bounces'),
    totaltime: get('totaltime'),
  };
}

/**
 * Normalises `GET /api/websites/:id/stats` from every Umami version: v2.0–v2.11
 * `{ value, change }` (change = value − previous; `uniques` before v2.11), v2.12–v2.20
 * `{ value, prev }`, v3 flat numbers with `comparison`.
 */
export function readStats(body: unknown): { readonly stats: UmamiStats; readonly flavor: UmamiFlavor } {
  if (!isObject(body)) throw new ShapeError('stats answer is not an object');
  if (isObject(body['pageviews'])) {
    const current = nestedTotals(body, (f, key) => num(f['value'], `${key}.value`));
    const previous = nestedTotals(body, (f, key) =>
      f['prev'] !== undefined
        ? num(f['prev'], `${key}.prev`)
        : num(f['value'], `${key}.value`) - num(f['change'], `${key}.change`),
    );
    return { stats: { current, previous }, flavor: 'v2' };
  }
  if (!('pageviews' in body)) throw new ShapeError('stats answer has no pageviews');
  const flat = (source: Obj, where: string): UmamiTotals => ({
    pageviews: num(source['pageviews'], `${where}pageviews`),
    visitors: num(source['visitors'], `${where}visitors`),
    visits: num(source['visits'], `${where}visits`),
    bounces: num(source['bounces'], `${where}bounces`),
    totaltime: num(source['totaltime'], `${where}totaltime`),
  });
  const comparison = isObject(body['comparison']) ? body['comparison'] : {};
  return { stats: { current: flat(body, ''), previous: flat(comparison, 'comparison.') }, flavor: 'v3' };
}

/** Active visitors: `[{ x }]` (v2.0–v2.7), `{ x }` (v2.8–v2.15) or `{ visitors }` (v2.16+). */
export function readActive(body: unknown): number {
  if (Array.isArray(body)) return num((body[0] as Obj | undefined)?.['x'], 'active[0].x');
  if (!isObject(body)) throw new ShapeError('active answer is not an object');
  return num(body['visitors'] ?? body['x'], 'active visitors');
}

function points(value: unknown, what: string): UmamiPoint[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ShapeError(`${what} is not an array`);
  return value.map((p: unknown, i) => {
    if (!isObject(p)) throw new ShapeError(`${what}[${i}] is not a point`);
    return { x: String(p['x']), y: num(p['y'], `${what}[${i}].y`) };
  });
}

/** `GET /api/websites/:id/pageviews`: `{ pageviews: [{x,y}], sessions: [{x,y}] }`. */
export function readSeries(body: unknown): UmamiSeries {
  if (!isObject(body)) throw new ShapeError('pageviews answer is not an object');
  return { pageviews: points(body['pageviews'], 'pageviews'), sessions: points(body['sessions'], 'sessions') };
}

/** `GET /api/websites/:id/metrics`: `[{ x, y }]`, `x` null or empty meaning none. */
export function readMetrics(body: unknown): UmamiMetricRow[] {
  if (!Array.isArray(body)) throw new ShapeError('metrics answer is not an array');
  return body.map((row: unknown, i) => {
    if (!isObject(row)) throw new ShapeError(`metrics[${i}] is not a row`);
    const x = row['x'];
    return {
      label: x === null || x === undefined || x === '' ? undefined : String(x),
      value: num(row['y'], `metrics[${i}].y`),
    };
  });
}

/**
 * The error text of an Umami error body, whichever of the four forms: plain text (v2.0–v2.15),
 * `{"error":"…"}`, `{"error":["field: message", …]}` (v2.16–v2.20) or
 * `{"error":{"message","code","status"}}` (v3).
 */
export function readUmamiError(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('<')) return undefined;
  try {
    const body = JSON.parse(trimmed) as unknown;
    if (!isObject(body)) return trimmed;
    const error = body['error'];
    if (typeof error === 'string') return error;
    if (Array.isArray(error)) return error.map(String).join('; ');
    if (isObject(error)) {
      const message = typeof error['message'] === 'string' ? error['message'] : 'error';
      return typeof error['code'] === 'string' ? `${message} (${error['code']})` : message;
    }
    return typeof body['message'] === 'string' ? body['message'] : undefined;
  } catch {
    return trimmed;
  }
}
