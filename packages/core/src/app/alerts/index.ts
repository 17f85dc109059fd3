export * from './webhook-payload.js';
export * from './render-alerts.js';
export * from './alert-messages.js';
// createRedisAlertMessageStore (names ioredis) is exported from @stats/core/stores/redis.
export * from './alert-relay.js';
export * from './alertmanager-client.js';
export * from './silence-commands.js';
export * from './from-config.js';
