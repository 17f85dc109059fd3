import type { Redis } from 'ioredis';
import type { Platform } from '../chat/index.js';
import type { BucketSpec, SendLimitsByPlatform } from './rate-limits.js';

// GCRA over several buckets at once, on Redis' clock: the send slot is the latest of the
// buckets' earliest instants; every bucket is then charged at that slot.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = now
for i = 1, #KEYS do
  local interval = tonumber(ARGV[i * 2 - 1])
  local tolerance = tonumber(ARGV[i * 2])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat - tolerance > at then at = tat - tolerance end
end
for i = 1, #KEYS do
  local interval = tonumber(ARGV[i * 2 - 1])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if at > tat then tat = at end
  redis.call('SET', KEYS[i], tostring(tat + interval), 'PX', math.ceil(tat + interval - now + 1000))
end
return at - now`;

/** Reserves send slots under buckets shared by every replica. */
export interface SharedRateLimiter {
  /** Reserves one send to the room; resolves with how long to wait (ms) before sending. */
  reserve(platform: Platform, roomId: string): Promise<number>;
}

/**
 * A rate limiter whose buckets live in Redis (GCRA, one Lua script per send on Redis' own
 * clock), so replicas together keep to a platform's per-bot and per-room limits: `limits` by
 * platform (the queue notifier passes what its adapters declare); a platform without limits is
 * not throttled.
 */
export function createRedisRateLimiter(
  redis: Redis,
  options: { readonly prefix?: string; readonly limits?: SendLimitsByPlatform } = {},
): SharedRateLimiter {
  const prefix = `${options.prefix ?? 'stats:'}ratelimit:`;
  const limits = options.limits ?? {};
  const args = (b: BucketSpec): string[] => {
    const interval = 1000 / b.perSecond;
    return [String(interval), String((b.capacity - 1) * interval)];
  };
  return {
    async reserve(platform, roomId) {
      const spec = limits[platform];
      if (!spec) return 0;
      const keys: string[] = [];
      const argv: string[] = [];
      if (spec.global) {
        keys.push(`${prefix}${platform}`);
        argv.push(...args(spec.global));
      }
      spec.room(roomId).forEach((b, i) => {
        keys.push(`${prefix}${platform}:${roomId}:${i}`);
        argv.push(...args(b));
      });
      if (keys.length === 0) return 0;
      return Number(await redis.eval(RESERVE, keys.length, ...keys, ...argv));
    },
  };
}
