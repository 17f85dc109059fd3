import { createRequire } from 'node:module';
import type { Counter, Gauge, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-metrics.js';

/**
 * Every metric stats exports on `/metrics`, on one registry per bot (so two bots in one
 * process, as in tests, never collide).
 */
export interface Metrics {
  readonly registry: Registry;
  /** `stats_commands_total{command,platform,outcome}` */
  readonly commands: FastCounter<'command' | 'platform' | 'outcome'>;
  /** `stats_command_duration_seconds{command,platform}` */
  readonly commandDuration: FastHistogram<'command' | 'platform'>;
  /** `stats_command_errors_total{code}` */
  readonly commandErrors: Counter<'code'>;
  /** `stats_upstream_requests_total{source,outcome}`: every upstream call (outcome ok, error, cached). */
  readonly upstreamRequests: Counter<'source' | 'outcome'>;
  /** `stats_upstream_errors_total{source,kind}`: kind unreachable, timeout, status, malformed. */
  readonly upstreamErrors: Counter<'source' | 'kind'>;
  /** `stats_deliveries_total{platform,outcome}`: scheduled/notifier deliveries. */
  readonly deliveries: Counter<'platform' | 'outcome'>;
  /** `stats_webhook_rejected_total{source,reason}`: webhooks refused (bad secret or token). */
  readonly webhookRejected: Counter<'source' | 'reason'>;
  /** `stats_session_refreshes_total{outcome}` */
  readonly sessionRefreshes: Counter<'outcome'>;
  /** `stats_messages_dropped_total{platform,reason}`: duplicates, too old, own messages. */
  readonly messagesDropped: Counter<'platform' | 'reason'>;
  /** `stats_adapter_ready{platform}` 1 when connected. */
  readonly adapterReady: Gauge<'platform'>;
  /** `stats_adapter_last_sync_timestamp_seconds{platform}`: Unix time of the adapter's last successful sync or poll (a stalled sync stops moving it). */
  readonly adapterLastSync: Gauge<'platform'>;
  /** `stats_schedule_overdue_seconds{schedule}`: how long the latest due run has waited without any replica completing it (0 when done). */
  readonly scheduleOverdue: Gauge<'schedule'>;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Collect Node's process metrics (default true). */
  readonly processMetrics?: boolean;
}

/** Creates the registry and every stats metric on it. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  // prom-client (CommonJS) loads here, on the first bot, not when `@stats/core` is imported.
  const { Counter, Gauge, Registry, collectDefaultMetrics } = createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    commands: new FastCounter('stats_commands_total', 'Commands handled, by outcome', ['command', 'platform', 'outcome'], registry),
    commandDuration: new FastHistogram(
      'stats_command_duration_seconds',
      'Time from a command received to its answer sent',
      ['command', 'platform'],
      [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registry,
    ),
    commandErrors: new Counter({ name: 'stats_command_errors_total', help: 'Commands that failed, by error code', labelNames: ['code'], registers }),
    upstreamRequests: new Counter({ name: 'stats_upstream_requests_total', help: 'Calls to upstream sources', labelNames: ['source', 'outcome'], registers }),
    upstreamErrors: new Counter({ name: 'stats_upstream_errors_total', help: 'Upstream failures by source and kind', labelNames: ['source', 'kind'], registers }),
    deliveries: new Counter({ name: 'stats_deliveries_total', help: 'Report and alert deliveries by platform and outcome', labelNames: ['platform', 'outcome'], registers }),
    webhookRejected: new Counter({ name: 'stats_webhook_rejected_total', help: 'Webhook requests refused', labelNames: ['source', 'reason'], registers }),
    sessionRefreshes: new Counter({ name: 'stats_session_refreshes_total', help: 'Access-token refreshes by outcome', labelNames: ['outcome'], registers }),
    messagesDropped: new Counter({ name: 'stats_messages_dropped_total', help: 'Incoming messages not handled, by reason', labelNames: ['platform', 'reason'], registers }),
    adapterReady: new Gauge({ name: 'stats_adapter_ready', help: '1 while the adapter is connected', labelNames: ['platform'], registers }),
    adapterLastSync: new Gauge({ name: 'stats_adapter_last_sync_timestamp_seconds', help: 'Unix time of the last successful sync or poll', labelNames: ['platform'], registers }),
    scheduleOverdue: new Gauge({ name: 'stats_schedule_overdue_seconds', help: 'Seconds the latest due run has waited without a replica completing it', labelNames: ['schedule'], registers }),
  };
}
