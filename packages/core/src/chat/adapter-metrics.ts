import type { Platform } from './types.js';

/** A counter as an adapter uses it: labels in, a step (default 1). */
export interface AdapterCounter<Label extends string> {
  inc(labels: Readonly<Partial<Record<Label, string>>>, value?: number): void;
}

/** A gauge as an adapter uses it: labels in, a value. */
export interface AdapterGauge<Label extends string> {
  set(labels: Readonly<Partial<Record<Label, string>>>, value: number): void;
}

/**
 * The metrics an adapter writes, and nothing else: the bot's metrics satisfy it, and an adapter
 * (or its test) never names prom-client. `platform` labels carry a {@link Platform}.
 */
export interface AdapterMetrics {
  /** `stats_messages_dropped_total{platform,reason}`: incoming messages not handled, by reason. */
  readonly messagesDropped: AdapterCounter<'platform' | 'reason'>;
  /** `stats_adapter_ready{platform}`: 1 while the adapter is connected. */
  readonly adapterReady: AdapterGauge<'platform'>;
  /** `stats_adapter_last_sync_timestamp_seconds{platform}`: Unix time of the last successful sync or poll. */
  readonly adapterLastSync: AdapterGauge<'platform'>;
  /** `stats_webhook_rejected_total{source,reason}`: webhook requests refused. */
  readonly webhookRejected: AdapterCounter<'source' | 'reason'>;
}
