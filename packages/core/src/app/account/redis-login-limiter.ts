import {
  createLoginLimiter,
  loginLimiterKeys,
  loginLimits,
  type LoginLimiter,
  type LoginLimits,
} from './login-limiter.js';

/**
 * The part of a Redis client the login limiter uses: `EVAL`. An ioredis `Redis` fits; so does
 * any client with the same call, which keeps driver types out of `@stats/core`'s face.
 */
export interface LoginLimiterRedis {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link createRedisLoginLimiter}. */
export interface RedisLoginLimiterOptions extends LoginLimits {
  /** Prefix of every key (`REDIS_KEY_PREFIX`, default `stats:`); counters live at `<prefix>login:…`. */
  readonly keyPrefix?: string;
  /**
   * Used while Redis fails (default: an in-process {@link createLoginLimiter} with the same
   * limits), so logins stay limited per process, and possible, during a Redis outage.
   */
  readonly fallback?: LoginLimiter;
  /** Told when Redis failed and the fallback answered (log it; never throws). */
  readonly onRedisError?: (err: unknown) => void;
}

/**
 * Checks every counter, then increments all of them, in one script: either the attempt is
 * reserved on both keys or on none. A key's window starts with its first attempt (PEXPIRE).
 * Answers `{1, 0}` when reserved, `{0, pttl}` when a key is full.
 */
const RESERVE = `
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('get', key) or '0')
  if n >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('pttl', key)
    if ttl < 1 then
      redis.call('pexpire', key, ARGV[1])
      ttl = tonumber(ARGV[1])
    end
    return {0, ttl}
  end
end
for _, key in ipairs(KEYS) do
  if redis.call('incr', key) == 1 then redis.call('pexpire', key, ARGV[1]) end
end
return {1, 0}`;

/** Gives one attempt back on each key (never below zero; a key that expired stays gone). */
const GIVE_BACK = `
for _, key in ipairs(KEYS) do
  local n = tonumber(redis.call('get', key) or '0')
  if n > 1 then redis.call('decr', key) elseif n == 1 then redis.call('del', key) end
end
return 1`;

/**
 * A {@link LoginLimiter} in Redis, shared by every replica using the same prefix: the check and
 * the reservation are one Lua script, so 50 concurrent attempts on two replicas still get at
 * most the limit through. While Redis fails, each process falls back to its own in-memory
 * limit (`fallback`) instead of refusing every login.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
 * const limiter = createRedisLoginLimiter(redis, { keyPrefix: 'stats:', perUser: 5, perEmail: 10 });
 */
export function createRedisLoginLimiter(
  client: LoginLimiterRedis,
  options: RedisLoginLimiterOptions = {},
): LoginLimiter {
  const { perUser, perEmail, windowMs } = loginLimits(options);
  const prefix = options.keyPrefix ?? 'stats:';
  const fallback = options.fallback ?? createLoginLimiter({ perUser, perEmail, windowMs });
  const failed = (err: unknown): void => {
    try {
      options.onRedisError?.(err);
    } catch {
      // a broken log hook must not fail a login
    }
  };
  return {
    async reserve(attempt) {
      const keys = loginLimiterKeys(attempt);
      const user = prefix + keys.user;
      const email = prefix + keys.email;
      let answer: unknown;
      try {
        answer = await client.eval(RESERVE, 2, user, email, windowMs, perUser, perEmail);
      } catch (err) {
        failed(err);
        return fallback.reserve(attempt);
      }
      const [reserved, ttl] = Array.isArray(answer) ? answer.map(Number) : [0, windowMs];
      if (reserved !== 1) return { ok: false, retryAfterMs: Math.max(1, ttl ?? windowMs) };
      let settled = false;
      const settle = async (run: () => Promise<unknown>): Promise<void> => {
        if (settled) return;
        settled = true;
        // Settling is best effort: if Redis fails now, the counter still ends with its window.
        await run().catch(failed);
      };
      return {
        ok: true,
        succeeded: () =>
          settle(() =>
            client.eval(GIVE_BACK, 1, email).then(() => client.eval(`return redis.call('del', KEYS[1])`, 1, user)),
          ),
        failed: () => settle(() => Promise.resolve()),
        released: () => settle(() => client.eval(GIVE_BACK, 2, user, email)),
      };
    },
  };
}
