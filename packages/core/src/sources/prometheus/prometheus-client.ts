import { UpstreamError } from '../../errors/index.js';
import { type TtlCache, type UpstreamClient } from '../http/index.js';
import { ResultShapeError, samplesOf, seriesOf, type Sample, type Series } from './prom-result.js';

/** A call's options. */
export interface QueryOptions {
  readonly signal?: AbortSignal | undefined;
  /** Evaluation time, Unix ms (default: the server's now). */
  readonly time?: number;
}

/** Options of a range query; times in Unix ms, `stepSeconds` > 0. */
export interface RangeOptions {
  readonly signal?: AbortSignal | undefined;
  readonly start: number;
  readonly end: number;
  readonly stepSeconds: number;
}

/** The Prometheus HTTP API v1 (also VictoriaMetrics) as the bot uses it; see `contracts/prometheus.md`. */
export interface PrometheusClient {
  /** An instant query; every result type comes back as samples (see {@link samplesOf}). */
  query(expr: string, options?: QueryOptions): Promise<Sample[]>;
  /** A range query. */
  queryRange(expr: string, options: RangeOptions): Promise<Series[]>;
}

/** Options of {@link createPrometheusClient}. */
export interface PrometheusClientOptions {
  /** An upstream client whose base URL is the server root (`http://victoriametrics:8428`). */
  readonly http: UpstreamClient;
  /** Reuses answers for the cache's TTL; identical queries in flight are coalesced. */
  readonly cache?: TtlCache;
}

/**
 * Reads the `error` of a Prometheus/VictoriaMetrics error envelope
 * (`{"status":"error","errorType":"bad_data","error":"…"}`); non-JSON bodies come back trimmed.
 */
export function readPrometheusError(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('<')) return undefined;
  try {
    const body = JSON.parse(trimmed) as { error?: unknown; errorType?: unknown };
    if (typeof body.error === 'string')
      return typeof body.errorType === 'string' && !/^\d+$/.test(body.errorType)
        ? `${body.errorType}: ${body.error}`
        : body.error;
    return undefined;
  } catch {
    return trimmed;
  }
}

/** Long queries go as a form POST (still a read: retried like GET). */
const MAX_GET_QUERY = 1500;

/**
 * Creates the Prometheus client. One client works against Prometheus and VictoriaMetrics: it
 * accepts vector, scalar and matrix results alike, keeps NaN/±Inf as numbers, ignores unknown
 * envelope keys (`stats`, `warnings`, `infos`), and classifies errors by HTTP status (VM sends
 * 422 with a numeric `errorType`), showing the server's `error` text.
 *
 * @example
 * const prometheus = createPrometheusClient({ http: createUpstreamClient({ source: 'prometheus', name: 'Prometheus', baseUrl }) });
 * const up = await prometheus.query('up', { signal });
 */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const { http, cache } = options;

  async function call(path: string, params: Record<string, string>, signal: AbortSignal | undefined): Promise<unknown> {
    const long = (params['query'] ?? '').length > MAX_GET_QUERY;
    const res = await http.json(
      long ? { method: 'POST', path, form: params, idempotent: true, signal } : { path, query: params, signal },
    );
    const body = res.body as { status?: unknown; data?: unknown; error?: unknown } | undefined;
    if (body?.status === 'error') {
      const detail = typeof body.error === 'string' ? body.error : 'unknown error';
      throw new UpstreamError(
        http.source,
        res.status,
        `${http.name}: ${path} failed: ${detail}`,
        `${http.name} could not run the query: ${detail.slice(0, 160)}`,
        false,
      );
    }
    if (body?.status !== 'success') throw http.malformed('answer has no status "success"');
    return body.data;
  }

  function read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ResultShapeError) throw http.malformed(err.message, err);
      throw err;
    }
  }

  function cached<T>(key: string, load: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return cache === undefined ? load() : cache.get(`prometheus:${key}`, load, { signal });
  }

  return {
    query(expr, opts) {
      const params: Record<string, string> = { query: expr };
      if (opts?.time !== undefined) params['time'] = (opts.time / 1000).toFixed(3);
      return cached(
        `q:${params['time'] ?? ''}:${expr}`,
        async () => {
          const data = await call('api/v1/query', params, opts?.signal);
          return read(() => samplesOf(data));
        },
        opts?.signal,
      );
    },
    queryRange(expr, range) {
      if (!(range.stepSeconds > 0)) throw new RangeError('stepSeconds must be > 0');
      const params = {
        query: expr,
        start: (range.start / 1000).toFixed(3),
        end: (range.end / 1000).toFixed(3),
        step: String(range.stepSeconds),
      };
      return cached(
        `r:${params.start}:${params.end}:${params.step}:${expr}`,
        async () => {
          const data = await call('api/v1/query_range', params, range.signal);
          return read(() => seriesOf(data));
        },
        range.signal,
      );
    },
  };
}
