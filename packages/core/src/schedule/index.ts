// Types only: `export type` keeps the empty module out of the load.
export type * from './types.js';
export * from './cron-time.js';
export * from './rate-limits.js';
export * from './send-failure.js';
export * from './memory-stores.js';
export * from './notifier.js';
export * from './scheduler.js';
export * from './schedule-command.js';
export * from './claim-fallback.js';
export * from './define-schedule.js';
// Parts typed by optional peers live behind subpaths: sqlite-stores (@stats/core/stores/sqlite),
// redis-stores and redis-rate-limiter (@stats/core/stores/redis), queue-notifier (@stats/core/queue).
