import type { AlertGroupState, AlertMessageStore } from './alert-messages.js';

/** A pipeline of {@link AlertStoreRedis}: `SET … PX` queued, then run. */
export interface AlertStorePipeline {
  set(key: string, value: string, px: 'PX', ms: number): unknown;
  exec(): Promise<unknown>;
}

/** The part of a Redis client the alert store uses; an ioredis `Redis` fits. */
export interface AlertStoreRedis {
  get(key: string): Promise<string | null>;
  del(key: string): Promise<number>;
  multi(): AlertStorePipeline;
}

/** An {@link AlertMessageStore} in Redis (JSON, kept `ttlMs`, default 7 days), shared by replicas. */
export function createRedisAlertMessageStore(
  redis: AlertStoreRedis,
  options: { readonly prefix?: string; readonly ttlMs?: number } = {},
): AlertMessageStore {
  const prefix = `${options.prefix ?? 'stats:'}alerts:`;
  const ttl = options.ttlMs ?? 7 * 86_400_000;
  const read = async (key: string): Promise<AlertGroupState | undefined> => {
    const raw = await redis.get(`${prefix}group:${key}`);
    return raw === null ? undefined : (JSON.parse(raw) as AlertGroupState);
  };
  return {
    get: read,
    set: async (key, state) => {
      const multi = redis.multi();
      multi.set(`${prefix}group:${key}`, JSON.stringify(state), 'PX', ttl);
      for (const room of Object.keys(state.messages)) multi.set(`${prefix}room:${room}`, key, 'PX', ttl);
      await multi.exec();
    },
    delete: async (key) => {
      await redis.del(`${prefix}group:${key}`);
    },
    lastInRoom: async (room) => {
      const key = await redis.get(`${prefix}room:${room}`);
      return key === null ? undefined : read(key);
    },
  };
}
