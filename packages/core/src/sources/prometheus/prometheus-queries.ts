/**
 * The PromQL the bot sends, from seed 001 (Grafana "System Overview"/"Master Overview") and
 * `contracts/prometheus.md`. Every query can be replaced per deployment.
 */
export interface PrometheusQueries {
  /** CPU used %, all CPUs. */
  readonly cpuPercent: string;
  readonly memoryPercent: string;
  readonly memoryTotalBytes: string;
  readonly memoryAvailableBytes: string;
  /** Disk used % per mountpoint (label `mountpoint`). */
  readonly diskPercent: string;
  readonly diskSizeBytes: string;
  readonly diskAvailableBytes: string;
  readonly load1: string;
  readonly load5: string;
  readonly load15: string;
  readonly uptimeSeconds: string;
  readonly cpuCount: string;
  readonly hostname: string;
  /** Every target, 1 = up (labels `job`, `instance`). */
  readonly up: string;
  /** Requests/s per job and status (labels `job` and the status label). */
  readonly requestRate: string;
  /** p95 latency in seconds per job. */
  readonly latencyP95: string;
  readonly pgUp: string;
  readonly pgConnections: string;
  /** Bytes per database (label `datname`). */
  readonly pgDatabaseSize: string;
  readonly redisUp: string;
  readonly redisClients: string;
  readonly redisMemory: string;
  readonly redisKeys: string;
  /** Requests in the last 24 h, for the daily report. */
  readonly requests24h: string;
}

const REAL_FS = 'fstype!~"tmpfs|overlay|squashfs|devtmpfs|ramfs|nsfs|rpc_pipefs"';

/**
 * The default queries. `statusLabel` is the HTTP status label of `http_requests_total`
 * (`status` in the seed; `code` or `status_code` elsewhere: `PROMETHEUS_STATUS_LABEL`).
 */
export function defaultPrometheusQueries(statusLabel = 'status'): PrometheusQueries {
  return {
    cpuPercent: '100 - (avg(rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)',
    memoryPercent: '(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100',
    memoryTotalBytes: 'node_memory_MemTotal_bytes',
    memoryAvailableBytes: 'node_memory_MemAvailable_bytes',
    diskPercent: `100 * (1 - node_filesystem_avail_bytes{${REAL_FS}} / node_filesystem_size_bytes{${REAL_FS}})`,
    diskSizeBytes: `node_filesystem_size_bytes{${REAL_FS}}`,
    diskAvailableBytes: `node_filesystem_avail_bytes{${REAL_FS}}`,
    load1: 'node_load1',
    load5: 'node_load5',
    load15: 'node_load15',
    uptimeSeconds: 'node_time_seconds - node_boot_time_seconds',
    cpuCount: 'count(count by (cpu) (node_cpu_seconds_total))',
    hostname: 'node_uname_info',
    up: 'up',
    requestRate: `sum by (job, ${statusLabel}) (rate(http_requests_total[5m]))`,
    latencyP95: 'histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))',
    pgUp: 'pg_up',
    pgConnections: 'sum(pg_stat_database_numbackends)',
    pgDatabaseSize: 'pg_database_size_bytes',
    redisUp: 'redis_up',
    redisClients: 'redis_connected_clients',
    redisMemory: 'redis_memory_used_bytes',
    redisKeys: 'sum(redis_db_keys)',
    requests24h: 'sum(increase(http_requests_total[24h]))',
  };
}
