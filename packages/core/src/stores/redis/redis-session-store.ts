import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  createSessionCodec,
  userKey,
  type SessionCipher,
  type SessionLock,
  type SessionStore,
} from '../../sessions/index.js';

/** Options of {@link createRedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /** `REDIS_URL`; ignored when `client` is given. */
  readonly url?: string;
  /** An existing connection (not closed by the store). */
  readonly client?: Redis;
  /** Prefix of every key (default `stats:`); sessions live at `<prefix>session:<platform>:<id>`. */
  readonly keyPrefix?: string;
  /** Encrypts every stored session (tokens included). */
  readonly cipher: SessionCipher;
  /** Where connection errors of an owned client are logged (rate-limited). */
  readonly logger?: { warn(object: object, message: string): void };
}

/** A Redis session store. */
export interface RedisSessionStore extends SessionStore {
  readonly lock: SessionLock;
  readonly client: Redis;
  close(): Promise<void>;
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Sessions in Redis with native expiry (`PX`), shared by every bot process using the same
 * prefix; its lock is `SET NX PX` with a compare-and-delete release.
 *
 * @example
 * const store = createRedisSessionStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'stats:', cipher });
 */
export function createRedisSessionStore(options: RedisSessionStoreOptions): RedisSessionStore {
  if (options.client === undefined && options.url === undefined)
    throw new TypeError('createRedisSessionStore needs a url or a client');
  const owned = options.client === undefined;
  const client = options.client ?? new Redis(options.url ?? '', { maxRetriesPerRequest: 2, lazyConnect: false });
  if (owned) {
    // Without an `error` listener Node prints "Unhandled error event" on every failed reconnect.
    let lastLogged = 0;
    client.on('error', (error: Error) => {
      if (Date.now() - lastLogged < 10_000) return;
      lastLogged = Date.now();
      options.logger?.warn(
        { err: { name: error.name, message: error.message }, redis: 'sessions' },
        'Redis connection error',
      );
    });
  }
  const prefix = `${options.keyPrefix ?? 'stats:'}session:`;
  const lockPrefix = `${options.keyPrefix ?? 'stats:'}session-lock:`;
  const codec = createSessionCodec(options.cipher);

  return {
    client,
    async get(user) {
      const data = await client.get(prefix + userKey(user));
      return data === null ? undefined : codec.decode(userKey(user), data);
    },
    async set(user, session, ttlMs) {
      await client.set(
        prefix + userKey(user),
        codec.encode({ ...session, user }),
        'PX',
        Math.max(1, Math.round(ttlMs)),
      );
    },
    async delete(user) {
      await client.del(prefix + userKey(user));
    },
    async list() {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      if (keys.length === 0) return [];
      const values = await client.mget(...keys);
      return keys.flatMap((key, i) => {
        const data = values[i];
        return data == null ? [] : (codec.decode(key.slice(prefix.length), data) ?? []);
      });
    },
    lock: {
      async tryAcquire(user, ttlMs) {
        const key = lockPrefix + userKey(user);
        const token = randomUUID();
        const ok = await client.set(key, token, 'PX', Math.max(1, Math.round(ttlMs)), 'NX');
        if (ok !== 'OK') return undefined;
        return async () => {
          await client.eval(RELEASE, 1, key, token);
        };
      },
    },
    async close() {
      if (owned && client.status !== 'end') await client.quit();
    },
  };
}
