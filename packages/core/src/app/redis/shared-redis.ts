import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics/index.js';
import { SCRUBBED, scrubSecrets } from '../../logging/index.js';
import { redisErrorLog } from '../../schedule/redis-error-log.js';

/** Options of {@link createSharedRedis}. */
export interface SharedRedisOptions {
  /** The connection's name in `CLIENT LIST` (the bot's name); the BullMQ connection is `<name>:bullmq`. */
  readonly name: string;
  /** Where connection errors go (rate-limited, the URL's password masked). */
  readonly logger?: Logger | undefined;
  /** Counts every `error` event in `stats_redis_errors_total{connection}`. */
  readonly metrics?: Pick<Metrics, 'redisErrors'> | undefined;
}

/** The bot's one Redis client, see {@link createSharedRedis}. */
export interface SharedRedis {
  /** The name given to `CLIENT SETNAME`. */
  readonly name: string;
  /** The URL with its credentials replaced by `[redacted]`: the only form that may appear in a log line. */
  readonly maskedUrl: string;
  /**
   * The shared client (claims, sessions, the login limiter, alerts): a command waits at most
   * 1.5 s, then fails. Made on the first call (ioredis is imported
   * then); it connects with its first command.
   */
  client(): Promise<Redis>;
  /**
   * The connection for BullMQ, the schedule stores and the send-rate limiter: a duplicate of
   * the client named `<name>:bullmq`, with `maxRetriesPerRequest: null` and no command timeout,
   * so a delivery waits for Redis rather than failing (and being sent again).
   */
  blocking(): Promise<Redis>;
  /** Closes both connections (call it after everything that uses them has stopped). */
  close(): Promise<void>;
}

/** How long a command on the shared client may take, ms, before it fails. */
export const SHARED_COMMAND_TIMEOUT_MS = 1500;

/** ioredis options of the shared client (see {@link SharedRedis.client}). */
const SHARED_OPTIONS = {
  lazyConnect: true,
  maxRetriesPerRequest: 1,
  commandTimeout: SHARED_COMMAND_TIMEOUT_MS,
  connectTimeout: 2000,
  // reconnect at most every second, so a claim finds Redis again soon after an outage
  retryStrategy: (times: number): number => Math.min(times * 100, 1000),
} satisfies RedisOptions;

/** The URL's password (decoded), to be removed from error messages; `undefined` without one. */
function passwordOf(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

/**
 * The composition root's one Redis client: claims, sessions, the login limiter and alerts
 * share it; BullMQ and the schedule stores share one duplicate of it. Lazy: ioredis is
 * imported, and the client made, on first use. Each connection has one `error` listener that
 * logs the first error of an outage, then at most one line per 10 s, with the URL masked, and
 * counts every error in `stats_redis_errors_total`.
 *
 * @example
 * const redis = createSharedRedis(url, { name: 'stats', logger, metrics });
 * const limiter = createRedisLoginLimiter(await redis.client());
 * await redis.close(); // on stop, after everything that uses it
 */
export function createSharedRedis(url: string, options: SharedRedisOptions): SharedRedis {
  // Credentials as the log serializer writes them everywhere: `[redacted]`.
  const maskedUrl = scrubSecrets(url);
  const password = passwordOf(url);
  const logger = options.logger?.child({ url: maskedUrl });
  /** Gives a connection its one `error` listener (and logs its return after an outage). */
  const watch = (client: Redis, connection: string): void => {
    const log = redisErrorLog(logger, connection);
    const counter = options.metrics?.redisErrors.series(connection);
    client.on('error', (error: Error) => {
      counter?.inc();
      if (password === undefined || !error.message.includes(password)) return log.error(error);
      const masked = new Error(error.message.split(password).join(SCRUBBED));
      masked.name = error.name;
      log.error(Object.assign(masked, { code: (error as NodeJS.ErrnoException).code }));
    });
    client.on('ready', () => log.ready());
  };
  let client: Promise<Redis> | undefined;
  let blocking: Promise<Redis> | undefined;
  const open = (): Promise<Redis> =>
    (client ??= import('ioredis').then(({ Redis }) => {
      const made = new Redis(url, { ...SHARED_OPTIONS, connectionName: options.name });
      watch(made, 'shared');
      return made;
    }));
  const quit = async (connection: Promise<Redis> | undefined): Promise<void> => {
    if (connection === undefined) return;
    const c = await connection;
    if (c.status === 'end') return;
    if (c.status === 'wait') return c.disconnect(); // never connected
    await c.quit().catch(() => c.disconnect());
  };
  return {
    name: options.name,
    maskedUrl,
    client: open,
    blocking: () =>
      (blocking ??= open().then((shared) => {
        const made = shared.duplicate({
          connectionName: `${options.name}:bullmq`,
          // BullMQ's workers block on reads and require this; a delivery waits for Redis
          maxRetriesPerRequest: null,
          commandTimeout: undefined,
        });
        watch(made, 'bullmq');
        return made;
      })),
    async close() {
      const opened = [blocking, client];
      blocking = undefined;
      client = undefined;
      for (const connection of opened) await quit(connection);
    },
  };
}
