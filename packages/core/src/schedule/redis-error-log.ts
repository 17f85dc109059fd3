import type { Logger } from 'pino';

/** A rate-limited log of one Redis connection's errors (see {@link redisErrorLog}). */
export interface RedisErrorLog {
  /** Logs an `error` event (at most one line per period). */
  error(error: Error): void;
  /** Logs, once per outage, that the connection is back. */
  ready(): void;
}

/**
 * A log of Redis connection errors that does not flood: the first error of an outage is logged
 * at once, then at most one line per `everyMs` with how many were left out; `ready` after an
 * outage is logged once. Errors are logged by name, message and code only.
 *
 * @param what names the connection in the log, e.g. `shared`, `bullmq`, `worker matrix`.
 */
export function redisErrorLog(logger: Logger | undefined, what: string, everyMs = 10_000): RedisErrorLog {
  let lastLogged = 0;
  let suppressed = 0;
  let failing = false;
  return {
    error(error) {
      failing = true;
      const now = Date.now();
      if (now - lastLogged < everyMs) {
        suppressed += 1;
        return;
      }
      lastLogged = now;
      logger?.warn(
        {
          err: { name: error.name, message: error.message, code: (error as NodeJS.ErrnoException).code },
          redis: what,
          suppressed,
        },
        'Redis connection error',
      );
      suppressed = 0;
    },
    ready() {
      if (!failing) return;
      failing = false;
      lastLogged = 0;
      logger?.info({ redis: what, suppressed }, 'Redis connection is back');
      suppressed = 0;
    },
  };
}
