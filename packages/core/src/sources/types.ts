import type { GrowthSource } from './growth/index.js';
import type {
  DatabaseStatus,
  PrometheusClient,
  PrometheusQueries,
  ServiceTraffic,
  TargetState,
  TimeSeries,
} from './prometheus/index.js';
import type { HostSource, SystemSnapshot } from './system/index.js';
import type { UmamiClient } from './umami/index.js';

/** Options every source read takes. */
export interface SourceCallOptions {
  readonly signal?: AbortSignal | undefined;
}

/** Prometheus (or VictoriaMetrics): raw queries plus the readings the reports need. */
export interface PrometheusSource extends PrometheusClient {
  /** The PromQL in use (defaults from seed 001, overridable). */
  readonly queries: PrometheusQueries;
  /** The status label of `http_requests_total`. */
  readonly statusLabel: string;
  /** CPU, memory, disks, load, uptime from node-exporter. */
  system(options?: SourceCallOptions): Promise<SystemSnapshot>;
  /** Every target, down first. */
  targets(options?: SourceCallOptions): Promise<TargetState[]>;
  /** HTTP traffic per service. */
  traffic(options?: SourceCallOptions): Promise<ServiceTraffic[]>;
  /** PostgreSQL and Redis status from their exporters. */
  databases(options?: SourceCallOptions): Promise<DatabaseStatus>;
  /** CPU and memory % over the last `hours` (for a chart). */
  cpuMemoryHistory(hours: number, options?: SourceCallOptions): Promise<TimeSeries[]>;
}

/**
 * The upstream clients a command can use. Each property is a getter: an unconfigured source
 * throws a `config` {@link ConfigError} whose `userMessage` names the variables to set.
 */
export interface Sources {
  /** Names of the configured sources (`host` always; `umami`, `prometheus`, `growth` when set). */
  readonly configured: readonly string[];
  /** The machine the bot runs on: always available. */
  readonly host: HostSource;
  /** Umami analytics (`UMAMI_API_URL` + credentials or `UMAMI_API_KEY`). */
  readonly umami: UmamiClient;
  /** Prometheus or VictoriaMetrics (`PROMETHEUS_URL`). */
  readonly prometheus: PrometheusSource;
  /** User sign-ups from PostgreSQL (`DATABASE_URL`). */
  readonly growth: GrowthSource;
}
