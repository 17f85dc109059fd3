import type { Logger } from 'pino';
import { ConfigError } from '../errors/index.js';
import type { Metrics } from '../metrics/index.js';
import { createGrowthSource, type GrowthSource } from './growth/index.js';
import { createTtlCache, createUpstreamClient, type TtlCache } from './http/index.js';
import {
  createPrometheusClient,
  defaultPrometheusQueries,
  readCpuMemoryHistory,
  readDatabases,
  readPrometheusError,
  readSystem,
  readTargets,
  readTraffic,
  type PrometheusQueries,
} from './prometheus/index.js';
import { createHostSource, type HostSource } from './system/index.js';
import type { PrometheusSource, Sources } from './types.js';
import { createUmamiClient, readUmamiError, umamiApiRoot, type UmamiClient } from './umami/index.js';

/**
 * Where the sources are: each section present is configured, an absent one answers with the
 * variables to set. The stats application's `StatsConfig` has this shape.
 */
export interface SourcesConfig {
  /** Umami: its URL and an API key, or a user name and password. */
  readonly umami?:
    | { readonly url: string; readonly username?: string; readonly password?: string; readonly apiKey?: string }
    | undefined;
  /** Prometheus or VictoriaMetrics, the status label of `http_requests_total` and PromQL overrides. */
  readonly prometheus?:
    | { readonly url: string; readonly statusLabel: string; readonly queries?: Readonly<Record<string, string>> }
    | undefined;
  /** PostgreSQL with the users (`auth.users`, or `growthQuery`). */
  readonly database?: { readonly url: string; readonly growthQuery?: string } | undefined;
  /** The IANA time zone days are counted in (growth per day). */
  readonly timeZone: string;
}

/** Options of {@link createSources}. */
export interface CreateSourcesOptions {
  readonly logger?: Logger | undefined;
  readonly metrics?: Metrics | undefined;
  /** Per-call upstream timeout in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent reads (default 2). */
  readonly retries?: number;
  /** Backoff base in ms (default 200). */
  readonly retryBaseMs?: number;
  /** How long answers are reused, in ms (default 60 000; Prometheus 15 000). */
  readonly cacheTtlMs?: number;
  readonly prometheusCacheTtlMs?: number;
  /** Replaces some of the default PromQL (after `PROMETHEUS_QUERIES`). */
  readonly prometheusQueries?: Partial<PrometheusQueries>;
  /** CPU sampling interval of the host source in ms (default 250). */
  readonly hostSampleMs?: number;
  /** The clock (Unix ms). */
  readonly now?: () => number;
}

/** The sources a bot uses, plus `close()` for the pooled ones (PostgreSQL). */
export interface ManagedSources extends Sources {
  /** Releases connection pools; call on shutdown. */
  close(): Promise<void>;
}

function missing(what: string, variables: readonly string[], hint: string): ConfigError {
  return new ConfigError(variables, `${what} is not configured: set ${hint}.`);
}

/**
 * Builds every source from the configuration. Clients are created on first use; an
 * unconfigured source throws a {@link ConfigError} saying which variables to set, e.g.
 * "Umami is not configured: set UMAMI_API_URL, UMAMI_USERNAME and UMAMI_PASSWORD (or UMAMI_API_KEY)."
 * No database driver is imported here: `pg` loads on the first growth read.
 *
 * @example
 * const sources = createSources(loadConfig(process.env), { logger, metrics });
 * const sites = await sources.umami.websites({ signal });
 */
export function createSources(config: SourcesConfig, options: CreateSourcesOptions = {}): ManagedSources {
  const { logger, metrics } = options;
  const now = options.now ?? Date.now;
  const upstream = {
    metrics,
    logger,
    now,
    timeoutMs: options.timeoutMs ?? 5000,
    retries: options.retries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 200,
  };
  const cache = (source: string, name: string, ttlMs: number): TtlCache =>
    createTtlCache({ ttlMs, now, metrics, source, name });
  let host: HostSource | undefined;
  let umami: UmamiClient | undefined;
  let prometheus: PrometheusSource | undefined;
  let growth: GrowthSource | undefined;

  const configured = ['host'];
  if (
    config.umami &&
    (config.umami.apiKey !== undefined || (config.umami.username !== undefined && config.umami.password !== undefined))
  )
    configured.push('umami');
  if (config.prometheus) configured.push('prometheus');
  if (config.database) configured.push('growth');

  return {
    configured,
    get host(): HostSource {
      host ??= createHostSource(options.hostSampleMs === undefined ? {} : { sampleMs: options.hostSampleMs });
      return host;
    },
    get umami(): UmamiClient {
      const c = config.umami;
      if (!configured.includes('umami') || c === undefined) {
        throw missing(
          'Umami',
          ['UMAMI_API_URL', 'UMAMI_USERNAME', 'UMAMI_PASSWORD'],
          'UMAMI_API_URL, UMAMI_USERNAME and UMAMI_PASSWORD (or UMAMI_API_KEY)',
        );
      }
      umami ??= createUmamiClient({
        http: createUpstreamClient({
          ...upstream,
          source: 'umami',
          name: 'Umami',
          baseUrl: umamiApiRoot(c.url),
          describeError: (_s, body) => readUmamiError(body),
        }),
        credentials:
          c.apiKey !== undefined ? { apiKey: c.apiKey } : { username: c.username ?? '', password: c.password ?? '' },
        cache: cache('umami', 'Umami', options.cacheTtlMs ?? 60_000),
      });
      return umami;
    },
    get prometheus(): PrometheusSource {
      const c = config.prometheus;
      if (c === undefined)
        throw missing('Prometheus', ['PROMETHEUS_URL'], 'PROMETHEUS_URL (Prometheus or VictoriaMetrics)');
      if (prometheus === undefined) {
        const client = createPrometheusClient({
          http: createUpstreamClient({
            ...upstream,
            source: 'prometheus',
            name: 'Prometheus',
            baseUrl: c.url,
            describeError: (_s, body) => readPrometheusError(body),
          }),
          cache: cache('prometheus', 'Prometheus', options.prometheusCacheTtlMs ?? 15_000),
        });
        const defaults = defaultPrometheusQueries(c.statusLabel);
        const fromConfig = Object.fromEntries(Object.entries(c.queries ?? {}).filter(([key]) => key in defaults));
        const unknown = Object.keys(c.queries ?? {}).filter((key) => !(key in defaults));
        if (unknown.length > 0)
          logger?.warn({ unknown, known: Object.keys(defaults) }, 'PROMETHEUS_QUERIES has keys the bot does not use');
        const queries: PrometheusQueries = { ...defaults, ...fromConfig, ...options.prometheusQueries };
        prometheus = {
          ...client,
          queries,
          statusLabel: c.statusLabel,
          system: (o) => readSystem(client, queries, o),
          targets: (o) => readTargets(client, queries, o),
          traffic: (o) => readTraffic(client, queries, c.statusLabel, o),
          databases: (o) => readDatabases(client, queries, o),
          cpuMemoryHistory: (hours, o) => {
            const step = Math.max(60, Math.round((hours * 3600) / 120));
            // Rounded up to 15 s so identical asks share a cache key; a future end is allowed.
            const end = Math.ceil(now() / 15_000) * 15_000;
            return readCpuMemoryHistory(client, queries, {
              start: end - hours * 3_600_000,
              end,
              stepSeconds: step,
              signal: o?.signal,
            });
          },
        };
      }
      return prometheus;
    },
    get growth(): GrowthSource {
      const c = config.database;
      if (c === undefined)
        throw missing(
          'User growth',
          ['DATABASE_URL'],
          'DATABASE_URL (PostgreSQL with auth.users, or set GROWTH_QUERY)',
        );
      growth ??= createGrowthSource({
        url: c.url,
        query: c.growthQuery,
        timeZone: config.timeZone,
        statementTimeoutMs: upstream.timeoutMs,
      });
      return growth;
    },
    async close() {
      await growth?.close();
    },
  };
}
