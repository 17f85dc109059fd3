import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import { FastCounter, FastGauge, FastHistogram } from './fast-metrics.js';

/**
 * Every metric stats exports on `/metrics`, on one registry per bot (so two bots in one
 * process, as in tests, never collide). The metrics keep their values themselves: prom-client
 * loads only when {@link Metrics.registry} is first read (the first scrape of `/metrics`, or code
 * that registers its own metrics), so a bot that is never scraped never loads it.
 */
export interface Metrics {
  /**
   * The prom-client registry holding every metric below (and Node's process metrics unless
   * `processMetrics: false`). Created, and prom-client loaded, on first read.
   */
  readonly registry: Registry;
  /** `stats_commands_total{command,platform,outcome}` */
  readonly commands: FastCounter<'command' | 'platform' | 'outcome'>;
  /** `stats_command_duration_seconds{command,platform}` */
  readonly commandDuration: FastHistogram<'command' | 'platform'>;
  /** `stats_command_errors_total{code}` */
  readonly commandErrors: FastCounter<'code'>;
  /** `stats_upstream_requests_total{source,outcome}`: every upstream call (outcome ok, error, cached). */
  readonly upstreamRequests: FastCounter<'source' | 'outcome'>;
  /** `stats_upstream_errors_total{source,kind}`: kind unreachable, timeout, status, malformed. */
  readonly upstreamErrors: FastCounter<'source' | 'kind'>;
  /** `stats_deliveries_total{platform,outcome}`: scheduled/notifier deliveries. */
  readonly deliveries: FastCounter<'platform' | 'outcome'>;
  /** `stats_webhook_rejected_total{source,reason}`: webhooks refused (bad secret or token). */
  readonly webhookRejected: FastCounter<'source' | 'reason'>;
  /** `stats_session_refreshes_total{outcome}` */
  readonly sessionRefreshes: FastCounter<'outcome'>;
  /** `stats_messages_dropped_total{platform,reason}`: duplicates, too old, own messages. */
  readonly messagesDropped: FastCounter<'platform' | 'reason'>;
  /** `stats_adapter_ready{platform}` 1 when connected. */
  readonly adapterReady: FastGauge<'platform'>;
  /** `stats_adapter_last_sync_timestamp_seconds{platform}`: Unix time of the adapter's last successful sync or poll (a stalled sync stops moving it). */
  readonly adapterLastSync: FastGauge<'platform'>;
  /** `stats_schedule_overdue_seconds{schedule}`: how long the latest due run has waited without any replica completing it (0 when done). */
  readonly scheduleOverdue: FastGauge<'schedule'>;
  /** `stats_redis_errors_total{connection}`: `error` events of the bot's Redis connections (`shared`, `bullmq`). */
  readonly redisErrors: FastCounter<'connection'>;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /**
   * Collect Node's process metrics (default true). They start with the registry, i.e. at the
   * first scrape: counters such as CPU seconds are cumulative anyway; garbage-collection
   * durations and event-loop lag are observed from then on.
   */
  readonly processMetrics?: boolean;
}

/** Creates every stats metric; the prom-client registry that exposes them is made on first use. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): FastCounter<L> =>
    new FastCounter(name, help, labelNames);
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): FastGauge<L> =>
    new FastGauge(name, help, labelNames);
  const metrics = {
    commands: counter('stats_commands_total', 'Commands handled, by outcome', ['command', 'platform', 'outcome']),
    commandDuration: new FastHistogram(
      'stats_command_duration_seconds',
      'Time from a command received to its answer sent',
      ['command', 'platform'],
      [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    commandErrors: counter('stats_command_errors_total', 'Commands that failed, by error code', ['code']),
    upstreamRequests: counter('stats_upstream_requests_total', 'Calls to upstream sources', ['source', 'outcome']),
    upstreamErrors: counter('stats_upstream_errors_total', 'Upstream failures by source and kind', ['source', 'kind']),
    deliveries: counter('stats_deliveries_total', 'Report and alert deliveries by platform and outcome', [
      'platform',
      'outcome',
    ]),
    webhookRejected: counter('stats_webhook_rejected_total', 'Webhook requests refused', ['source', 'reason']),
    sessionRefreshes: counter('stats_session_refreshes_total', 'Access-token refreshes by outcome', ['outcome']),
    messagesDropped: counter('stats_messages_dropped_total', 'Incoming messages not handled, by reason', [
      'platform',
      'reason',
    ]),
    adapterReady: gauge('stats_adapter_ready', '1 while the adapter is connected', ['platform']),
    adapterLastSync: gauge(
      'stats_adapter_last_sync_timestamp_seconds',
      'Unix time of the last successful sync or poll',
      ['platform'],
    ),
    scheduleOverdue: gauge(
      'stats_schedule_overdue_seconds',
      'Seconds the latest due run has waited without a replica completing it',
      ['schedule'],
    ),
    redisErrors: counter(
      'stats_redis_errors_total',
      'Errors of the Redis connections (failed connects, lost connections)',
      ['connection'],
    ),
  };
  let registry: Registry | undefined;
  return {
    ...metrics,
    get registry(): Registry {
      if (registry === undefined) {
        // prom-client (CommonJS) loads here: on the first scrape, not with the bot.
        const { Registry: PromRegistry, collectDefaultMetrics } = createRequire(import.meta.url)(
          'prom-client',
        ) as typeof import('prom-client');
        registry = new PromRegistry();
        if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
        for (const metric of Object.values(metrics)) registry.registerMetric(metric as never);
      }
      return registry;
    },
  };
}

/**
 * What the HTTP server needs to answer `GET /metrics`, read through {@link Metrics.registry} only
 * when scraped, so serving `/health` alone never loads prom-client.
 */
export function scrapeEndpoint(metrics: Pick<Metrics, 'registry'>): Pick<Registry, 'metrics' | 'contentType'> {
  return {
    metrics: () => metrics.registry.metrics(),
    get contentType() {
      return metrics.registry.contentType;
    },
  };
}
