import { UpstreamError } from '../../errors/index.js';
import { type TtlCache, type UpstreamClient, type UpstreamRequest } from '../http/index.js';
import { readActive, readMetrics, readSeries, readStats, readWebsitePage, ShapeError } from './umami-shapes.js';
import type {
  UmamiFlavor,
  UmamiMetricRow,
  UmamiMetricType,
  UmamiRange,
  UmamiSeries,
  UmamiStats,
  UmamiUnit,
  UmamiWebsite,
} from './umami-types.js';

/** How the client signs in: username/password (self-hosted) or an API key (Umami Cloud). */
export type UmamiCredentials = { readonly username: string; readonly password: string } | { readonly apiKey: string };

/** Options of {@link createUmamiClient}. */
export interface UmamiClientOptions {
  /** An upstream client whose base URL is the API root (`…/api` self-hosted, `…/v1` Cloud). */
  readonly http: UpstreamClient;
  readonly credentials: UmamiCredentials;
  /** Reuses answers; identical reads in flight are coalesced. */
  readonly cache?: TtlCache;
  /** TTL of the active-visitors answer in ms (default 10 000; others use the cache's TTL). */
  readonly activeTtlMs?: number;
}

/** A call's options. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}

/** The Umami REST API as the bot uses it; see `contracts/umami.md`. */
export interface UmamiClient {
  /** Every website the bot user can see (all pages). */
  websites(options?: CallOptions): Promise<UmamiWebsite[]>;
  /** Totals of `range` and of the previous period of the same length. */
  stats(websiteId: string, range: UmamiRange, options?: CallOptions): Promise<UmamiStats>;
  /** Visitors in the last 5 minutes. */
  active(websiteId: string, options?: CallOptions): Promise<number>;
  /** Page views and sessions per bucket of `unit`, bucketed in `timeZone`. */
  pageviews(
    websiteId: string,
    range: UmamiRange,
    unit: UmamiUnit,
    timeZone: string,
    options?: CallOptions,
  ): Promise<UmamiSeries>;
  /** The top rows of one metric (pages, referrers, browsers, …), largest first. */
  metrics(
    websiteId: string,
    type: UmamiMetricType,
    range: UmamiRange,
    options?: CallOptions & { readonly limit?: number },
  ): Promise<UmamiMetricRow[]>;
  /** The detected API generation, once a call revealed it. */
  flavor(): UmamiFlavor | undefined;
}

const V3_TYPES: Partial<Record<UmamiMetricType, string>> = { page: 'path', host: 'hostname' };
const V2_TYPES: Partial<Record<UmamiMetricType, string>> = { page: 'url', host: 'host' };

/**
 * The API root for a configured `UMAMI_API_URL`: self-hosted `http://umami:3000` becomes
 * `http://umami:3000/api`; a URL already ending in `/api` or `/v1` (Umami Cloud) is kept.
 */
export function umamiApiRoot(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/(api|v1)$/.test(trimmed) ? trimmed : `${trimmed}/api`;
}

/**
 * Creates the Umami client: logs in once and reuses the token, logs in again once on 401,
 * or sends `x-umami-api-key` for Umami Cloud. Accepts every answer shape from v2.0 to v3 and
 * detects the API generation once (from the first answer that reveals it), then sends `url`
 * or `path`, `host` or `hostname` accordingly.
 *
 * @example
 * const http = createUpstreamClient({ source: 'umami', name: 'Umami', baseUrl: 'https://umami.example.org/api' });
 * const umami = createUmamiClient({ http, credentials: { username: 'admin', password } });
 * const sites = await umami.websites({ signal });
 */
export function createUmamiClient(options: UmamiClientOptions): UmamiClient {
  const { http, credentials, cache } = options;
  let token: string | undefined;
  let loggingIn: Promise<string> | undefined;
  let detected: UmamiFlavor | undefined;

  function learn(flavor: UmamiFlavor | undefined): void {
    if (detected === undefined && flavor !== undefined) detected = flavor;
  }

  function malformed(err: unknown, what: string): never {
    if (err instanceof ShapeError) throw http.malformed(`${what}: ${err.message}`, err);
    throw err;
  }

  async function login(signal: AbortSignal | undefined): Promise<string> {
    if (!('username' in credentials)) throw new Error('unreachable: login without a password');
    const res = await http.json({
      method: 'POST',
      path: 'auth/login',
      json: { username: credentials.username, password: credentials.password },
      signal,
      accept: [401, 403],
    });
    if (res.status === 401 || res.status === 403) {
      throw new UpstreamError(
        http.source,
        res.status,
        `${http.name}: login refused (HTTP ${res.status})`,
        `${http.name} refused the bot's login: check UMAMI_USERNAME and UMAMI_PASSWORD.`,
        false,
      );
    }
    const body = res.body as { token?: unknown } | undefined;
    if (typeof body?.token !== 'string' || body.token === '') {
      throw http.malformed('login answer has no token');
    }
    return body.token;
  }

  /**
   * One login for every caller waiting on it (single-flight). The login runs on the client's
   * own timeout, not on the first caller's signal, so one caller giving up fails no other.
   */
  function currentToken(): Promise<string> {
    if (token !== undefined) return Promise.resolve(token);
    loggingIn ??= login(undefined)
      .then((t) => {
        token = t;
        return t;
      })
      .finally(() => {
        loggingIn = undefined;
      });
    return loggingIn;
  }

  async function get(req: UpstreamRequest): Promise<unknown> {
    if ('apiKey' in credentials) {
      const res = await http.json({ ...req, headers: { 'x-umami-api-key': credentials.apiKey }, accept: [401] });
      if (res.status === 401) {
        throw new UpstreamError(
          http.source,
          401,
          `${http.name}: API key refused on ${req.path}`,
          `${http.name} refused the API key: check UMAMI_API_KEY.`,
          false,
        );
      }
      return res.body;
    }
    for (let attempt = 1; ; attempt++) {
      const used = await currentToken();
      const res = await http.json({ ...req, headers: { authorization: `Bearer ${used}` }, accept: [401] });
      if (res.status !== 401) return res.body;
      if (token === used) token = undefined;
      if (attempt >= 2) {
        throw new UpstreamError(
          http.source,
          401,
          `${http.name}: ${req.path} answered 401 after a fresh login`,
          `${http.name} refused access for the bot user (HTTP 401): the website may not exist or not be shared with it.`,
          false,
        );
      }
    }
  }

  function cached<T>(key: string, load: () => Promise<T>, signal: AbortSignal | undefined, ttlMs?: number): Promise<T> {
    if (cache === undefined) return load();
    return cache.get(`umami:${key}`, load, ttlMs === undefined ? { signal } : { signal, ttlMs });
  }

  async function fetchWebsites(signal: AbortSignal | undefined): Promise<UmamiWebsite[]> {
    const pageSize = 100;
    const all: UmamiWebsite[] = [];
    for (let page = 1; page <= 100; page++) {
      const body = await get({ path: 'websites', query: { page, pageSize }, signal });
      let read: ReturnType<typeof readWebsitePage>;
      try {
        read = readWebsitePage(body);
      } catch (err) {
        malformed(err, 'websites');
      }
      learn(read.flavor);
      all.push(...read.sites);
      if (read.count === undefined || read.sites.length === 0 || page * pageSize >= read.count) break;
    }
    return all;
  }

  function rangeQuery(range: UmamiRange): { startAt: number; endAt: number } {
    return { startAt: Math.floor(range.startAt), endAt: Math.floor(range.endAt) };
  }

  async function metricType(type: UmamiMetricType, signal: AbortSignal | undefined, probeId: string): Promise<string> {
    if (V3_TYPES[type] === undefined) return type;
    if (detected === undefined) {
      // One probe settles the version for good: v3 answers 400 to `url`, v2 answers rows.
      try {
        await get({
          path: `websites/${encodeURIComponent(probeId)}/metrics`,
          query: { type: 'url', startAt: 0, endAt: 1, limit: 1 },
          signal,
        });
        learn('v2');
      } catch (err) {
        if (err instanceof UpstreamError && err.status === 400) learn('v3');
        else throw err;
      }
    }
    return (detected === 'v3' ? V3_TYPES : V2_TYPES)[type] ?? type;
  }

  return {
    websites: (call) => cached('websites', () => fetchWebsites(call?.signal), call?.signal),
    stats(websiteId, range, call) {
      const q = rangeQuery(range);
      return cached(
        `stats:${websiteId}:${q.startAt}:${q.endAt}`,
        async () => {
          const body = await get({
            path: `websites/${encodeURIComponent(websiteId)}/stats`,
            query: q,
            signal: call?.signal,
          });
          try {
            const read = readStats(body);
            learn(read.flavor);
            return read.stats;
          } catch (err) {
            return malformed(err, 'stats');
          }
        },
        call?.signal,
      );
    },
    active(websiteId, call) {
      return cached(
        `active:${websiteId}`,
        async () => {
          const body = await get({ path: `websites/${encodeURIComponent(websiteId)}/active`, signal: call?.signal });
          try {
            return readActive(body);
          } catch (err) {
            return malformed(err, 'active');
          }
        },
        call?.signal,
        options.activeTtlMs ?? 10_000,
      );
    },
    pageviews(websiteId, range, unit, timeZone, call) {
      const q = rangeQuery(range);
      return cached(
        `pageviews:${websiteId}:${q.startAt}:${q.endAt}:${unit}:${timeZone}`,
        async () => {
          const body = await get({
            path: `websites/${encodeURIComponent(websiteId)}/pageviews`,
            query: { ...q, unit, timezone: timeZone },
            signal: call?.signal,
          });
          try {
            return readSeries(body);
          } catch (err) {
            return malformed(err, 'pageviews');
          }
        },
        call?.signal,
      );
    },
    metrics(websiteId, type, range, call) {
      const q = rangeQuery(range);
      const limit = call?.limit ?? 10;
      return cached(
        `metrics:${websiteId}:${type}:${q.startAt}:${q.endAt}:${limit}`,
        async () => {
          const sent = await metricType(type, call?.signal, websiteId);
          const body = await get({
            path: `websites/${encodeURIComponent(websiteId)}/metrics`,
            query: { type: sent, ...q, limit },
            signal: call?.signal,
          });
          try {
            return readMetrics(body).slice(0, limit);
          } catch (err) {
            return malformed(err, 'metrics');
          }
        },
        call?.signal,
      );
    },
    flavor: () => detected,
  };
}
