/**
 * `@stats/core/stores/redis`: everything stats keeps in Redis, for replicas that share state.
 * Needs the optional peer `ioredis` (`npm install ioredis`); `@stats/core` itself never names it.
 *
 * @packageDocumentation
 */

// Sessions
export {
  createRedisSessionStore,
  type RedisSessionStore,
  type RedisSessionStoreOptions,
} from './redis-session-store.js';

// Schedules: job state, delivery log, claims and a rate limiter shared by replicas
export { createRedisScheduleStores, createRedisClaims, type RedisStoreOptions } from '../../schedule/redis-stores.js';
export { createRedisRateLimiter, type SharedRateLimiter } from '../../schedule/redis-rate-limiter.js';
