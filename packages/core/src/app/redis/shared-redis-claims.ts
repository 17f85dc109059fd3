import type { Redis } from 'ioredis';
import { createRedisClaims } from '../../schedule/redis-stores.js';
import type { Claims } from '../../schedule/types.js';

/** Options of {@link sharedRedisClaims}. */
export interface SharedRedisClaimsOptions {
  /** Key prefix (`REDIS_KEY_PREFIX`, default `stats:`); claims live at `<prefix>claim:<platform>:<id>`. */
  readonly prefix?: string;
  /** This replica's name, stored as each claim's value (default a random id). */
  readonly owner?: string;
  /**
   * How long a claim waits for the connection when it is not ready (first connect, a
   * reconnect under way), ms (default 500); then it fails and the bot answers without it.
   */
  readonly readyWaitMs?: number;
  /**
   * How long `open()` waits for the first connection, ms (default 2,000, the connect timeout):
   * a bot that answered before Redis was connected would answer without claims, on every replica.
   */
  readonly openWaitMs?: number;
}

/** Claims on the shared client, see {@link sharedRedisClaims}. */
export interface SharedClaims extends Claims {
  /** Connects the shared client now (otherwise the first claim does). */
  open(): Promise<void>;
}

/**
 * Redis claims on the bot's shared client (`client` is called on first use). A command on it
 * fails after `SHARED_COMMAND_TIMEOUT_MS`, and `createBot`'s claim fallback stops waiting
 * sooner; so that a claim does not sit in ioredis' offline queue during an outage, it fails at
 * once when the connection has been down longer than `readyWaitMs`, and otherwise waits at most
 * that long for it to be ready. The client is the caller's to close.
 */
export function sharedRedisClaims(client: () => Promise<Redis>, options: SharedRedisClaimsOptions = {}): SharedClaims {
  const readyWaitMs = options.readyWaitMs ?? 500;
  /** Since when the connection is lost (a claim waits for a reconnect only early in an outage). */
  let downSince: number | undefined;
  let opened: Promise<{ redis: Redis; claims: Claims }> | undefined;
  const get = (): Promise<{ redis: Redis; claims: Claims }> =>
    (opened ??= client().then((redis) => {
      redis.on('close', () => (downSince ??= Date.now()));
      redis.on('ready', () => (downSince = undefined));
      const claims = createRedisClaims(redis, {
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        ...(options.owner === undefined ? {} : { owner: options.owner }),
      });
      return { redis, claims };
    }));
  /** The claims once the connection is ready, or after `waitMs`; rejects in a real outage. */
  const ready = async (waitMs = readyWaitMs): Promise<Claims> => {
    const { redis, claims } = await get();
    const isReady = (): boolean => redis.status === 'ready';
    if (isReady()) return claims;
    if (redis.status === 'wait') redis.connect().catch(() => undefined); // lazy: the first use connects
    if (downSince === undefined || Date.now() - downSince < waitMs)
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          redis.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        timer.unref();
        redis.on('ready', done);
      });
    if (!isReady()) throw new Error(`Redis is not connected (${redis.status})`);
    return claims;
  };
  return {
    async open() {
      await ready(options.openWaitMs ?? 2000).catch(() => undefined); // a bot starts without Redis; its claims fall back
    },
    claim: async (key, ttlMs) => (await ready()).claim(key, ttlMs),
    record: async (key, ttlMs) => {
      const claims = await ready();
      return (claims.record ?? claims.claim)(key, ttlMs);
    },
  };
}
