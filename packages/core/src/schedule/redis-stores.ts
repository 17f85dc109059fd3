import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BeginResult, Claims, DeliveryLog, Lease, ScheduleStore } from './types.js';

/** Options of the Redis stores. */
export interface RedisStoreOptions {
  /** Prepended to every key (default `stats:`); a throwaway prefix per test run. */
  readonly prefix?: string;
  /** How long confirmed idempotency keys are kept (default 30 days). */
  readonly keepMs?: number;
}

const ACQUIRE = `
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if last >= tonumber(ARGV[1]) then return 0 end
local held = redis.call('GET', KEYS[2])
if held and string.sub(held, 1, string.len(ARGV[2]) + 1) ~= ARGV[2] .. '|' then return 0 end
local fence = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], ARGV[2] .. '|' .. fence, 'PX', ARGV[3])
return fence`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const COMPLETE = `
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > last then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('DEL', KEYS[2])
return 1`;
const BEGIN = `
local v = redis.call('GET', KEYS[1])
if v == 'sent' then return 'done' end
if v and v ~= ARGV[1] then return 'busy' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'send'`;

/**
 * Keeps last runs, leases and idempotency keys in Redis so replicas of one bot agree: an
 * occurrence is run under a lease (SET NX PX with a fence number from INCR, renewed while the
 * run lasts), so when its holder dies another replica takes over after one lease period, and
 * each target's idempotency key stops a second send.
 *
 * @param redis An ioredis client (the caller owns and closes it).
 */
export function createRedisScheduleStores(
  redis: Redis,
  options: RedisStoreOptions = {},
): { schedule: ScheduleStore; deliveries: DeliveryLog } {
  const prefix = options.prefix ?? 'stats:';
  const keepMs = options.keepMs ?? 30 * 86_400_000;
  const lastKey = (jobId: string): string => `${prefix}schedule:last:${jobId}`;
  const leaseKey = (jobId: string, at: number): string => `${prefix}schedule:lease:${jobId}:${at}`;
  const schedule: ScheduleStore = {
    lastRun: async (jobId) => {
      const v = await redis.get(lastKey(jobId));
      return v === null ? undefined : Number(v);
    },
    baseline: async (jobId, at) => {
      await redis.set(lastKey(jobId), String(at), 'NX');
    },
    acquire: async (jobId, scheduledAt, owner, ttlMs) => {
      const key = leaseKey(jobId, scheduledAt);
      const fence = Number(
        await redis.eval(
          ACQUIRE,
          3,
          lastKey(jobId),
          key,
          `${prefix}schedule:fence`,
          String(scheduledAt),
          owner,
          String(ttlMs),
        ),
      );
      if (fence === 0) return undefined;
      const value = `${owner}|${fence}`;
      const lease: Lease = {
        fence,
        renew: async () => Number(await redis.eval(RENEW, 1, key, value, String(ttlMs))) === 1,
        valid: async () => (await redis.get(key)) === value,
        release: async () => {
          await redis.eval(RELEASE, 1, key, value);
        },
      };
      return lease;
    },
    complete: async (jobId, scheduledAt) => {
      await redis.eval(COMPLETE, 2, lastKey(jobId), leaseKey(jobId, scheduledAt), String(scheduledAt));
    },
  };
  const deliveryKey = (key: string): string => `${prefix}delivery:${key}`;
  const deliveries: DeliveryLog = {
    begin: async (key, owner, ttlMs) =>
      (await redis.eval(BEGIN, 1, deliveryKey(key), `pending|${owner}`, String(ttlMs))) as BeginResult,
    confirm: async (key) => {
      await redis.set(deliveryKey(key), 'sent', 'PX', keepMs);
    },
    release: async (key, owner) => {
      await redis.eval(RELEASE, 1, deliveryKey(key), `pending|${owner}`);
    },
  };
  return { schedule, deliveries };
}

const RECORD = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0`;

/** Options of {@link createRedisClaims}. */
export interface RedisClaimsOptions {
  /** Prepended to every key (default `stats:`); claims live at `<prefix>claim:<platform>:<id>`. */
  readonly prefix?: string;
  /** This replica's name, stored as the claim's value (default a random id). */
  readonly owner?: string;
}

/**
 * {@link Claims} in Redis (SET NX PX): when every replica receives the same platform event,
 * exactly one claims `<platform>:<message id>` and answers it. Give the client a bounded
 * command timeout and no offline queue ({@link CLAIMS_CLIENT_OPTIONS}); `createBot` answers a
 * message whose claim fails and records the claim later (see the schedule README).
 *
 * @example
 * import { Redis } from 'ioredis';
 * const bot = createBot({ adapters, claims: createRedisClaims(new Redis(url, CLAIMS_CLIENT_OPTIONS), { prefix: 'stats:' }) });
 */
export function createRedisClaims(redis: Redis, options: RedisClaimsOptions = {}): Claims {
  const prefix = options.prefix ?? 'stats:';
  const owner = options.owner ?? randomUUID();
  const ttl = (ms: number): string => String(Math.max(1, Math.round(ms)));
  return {
    claim: async (key, ttlMs) => (await redis.set(`${prefix}claim:${key}`, owner, 'PX', ttl(ttlMs), 'NX')) === 'OK',
    record: async (key, ttlMs) => Number(await redis.eval(RECORD, 1, `${prefix}claim:${key}`, owner, ttl(ttlMs))) === 1,
  };
}

/**
 * ioredis options for the claims connection: a command fails at once while Redis is
 * unreachable (no offline queue, no retries) or after `commandTimeout` when it hangs (a
 * backstop: `createBot` stops waiting for a claim after 750 ms); reconnects are tried every
 * second at most.
 */
export const CLAIMS_CLIENT_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 1500,
  connectTimeout: 2000,
  retryStrategy: (times: number): number => Math.min(times * 100, 1000),
} as const;
