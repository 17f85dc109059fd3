import type { Logger } from 'pino';
import { logRedisErrors } from './redis-error-log.js';
import { CLAIMS_CLIENT_OPTIONS, createRedisClaims } from './redis-stores.js';
import type { Claims } from './types.js';

/** Options of {@link openRedisClaims}. */
export interface OpenRedisClaimsOptions {
  /** Key prefix (default `stats:`). */
  readonly prefix?: string;
  readonly owner?: string;
  readonly logger?: Logger;
  /** How long the first claim waits for the connection, ms (default 2,000). */
  readonly connectWaitMs?: number;
}

/**
 * Redis claims on a connection of their own ({@link CLAIMS_CLIENT_OPTIONS}: bounded, no offline
 * queue, errors logged), opened on the first claim; ioredis is loaded only then.
 */
export function openRedisClaims(url: string, options: OpenRedisClaimsOptions = {}): Claims & { close(): Promise<void> } {
  let client: import('ioredis').Redis | undefined;
  let opened: Promise<Claims> | undefined;
  const open = async (): Promise<Claims> => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, CLAIMS_CLIENT_OPTIONS);
    client = redis;
    logRedisErrors(redis, options.logger, 'claims');
    // Give the first connection a moment; a claim sent before it is ready fails at once.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.connectWaitMs ?? 2000);
      timer.unref();
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return createRedisClaims(redis, { ...(options.prefix === undefined ? {} : { prefix: options.prefix }), ...(options.owner === undefined ? {} : { owner: options.owner }) });
  };
  const get = (): Promise<Claims> => (opened ??= open());
  return {
    claim: async (key, ttlMs) => (await get()).claim(key, ttlMs),
    record: async (key, ttlMs) => {
      const claims = await get();
      return (claims.record ?? claims.claim)(key, ttlMs);
    },
    close: async () => {
      const redis = client;
      client = undefined;
      opened = undefined;
      if (redis === undefined) return;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
