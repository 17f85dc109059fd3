import { StatsError, UnreachableError, UpstreamError } from '@stats/core';
import { MatrixError } from './matrix-sdk.js';
import { safeMatrixCause } from './sdk-errors.js';

/** How a failed homeserver call should be treated. */
export type Failure =
  | { readonly kind: 'rate_limited'; readonly retryAfterMs: number; readonly status: number }
  | { readonly kind: 'transient'; readonly status: number }
  | { readonly kind: 'unknown_token'; readonly errcode: string }
  | { readonly kind: 'permanent'; readonly status: number; readonly errcode: string | undefined };

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EADDRNOTAVAIL',
]);

function header(value: unknown, name: string): string | undefined {
  const headers = (value as { headers?: Record<string, unknown> } | undefined)?.headers;
  const found = headers?.[name];
  return typeof found === 'string' ? found : undefined;
}

/**
 * Sorts an error thrown by matrix-bot-sdk: a `MatrixError` (the homeserver answered with an
 * `errcode`), a raw response (a non-2xx without `errcode`, e.g. a proxy's 502 page) or a
 * network error from the HTTP client.
 */
export function classify(err: unknown): Failure {
  if (err instanceof MatrixError) {
    if (err.statusCode === 429 || err.errcode === 'M_LIMIT_EXCEEDED') {
      // The SDK keeps only the body: `retry_after_ms` is all we get (Synapse sends no header).
      return { kind: 'rate_limited', retryAfterMs: err.retryAfterMs ?? 1000, status: err.statusCode };
    }
    if (err.errcode === 'M_UNKNOWN_TOKEN' || err.errcode === 'M_MISSING_TOKEN')
      return { kind: 'unknown_token', errcode: err.errcode };
    if (err.statusCode >= 500) return { kind: 'transient', status: err.statusCode };
    return { kind: 'permanent', status: err.statusCode, errcode: err.errcode };
  }
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === 'number') {
    if (status === 429) {
      const seconds = Number(header(err, 'retry-after'));
      return { kind: 'rate_limited', retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : 1000, status };
    }
    if (status >= 500) return { kind: 'transient', status };
    if (status === 401) return { kind: 'unknown_token', errcode: 'M_UNKNOWN_TOKEN' };
    return { kind: 'permanent', status, errcode: undefined };
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { kind: 'transient', status: 0 };
  if (err instanceof Error && /socket hang up|network|timed? ?out/i.test(err.message))
    return { kind: 'transient', status: 0 };
  return { kind: 'permanent', status: 0, errcode: undefined };
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** For logs: what is being done (`send`, `sync`, `upload`). */
  readonly what: string;
  /** Attempts in all before giving up on 5xx/network errors (default 6). 429s do not count. */
  readonly attempts?: number;
  /** The first backoff delay; doubles per attempt, with jitter (default 500 ms). */
  readonly baseDelayMs?: number;
  /** The longest wait between attempts, also for `retry_after_ms` (default 30 s). */
  readonly maxDelayMs?: number;
  /** The most 429 answers to wait out before giving up (default 20). */
  readonly rateLimitRetries?: number;
  /** Aborts the waiting (the call then rejects with the last error). One listener per wait: for a single call only. */
  readonly signal?: AbortSignal;
  /**
   * The waits this call shares with every other call of one adapter: one listener on the
   * adapter's signal however many calls wait, and given up at once when it aborts (the call
   * then rejects with a `rate_limited` {@link StatsError}). Takes precedence over `signal`.
   */
  readonly waits?: RetryWaits;
  /** Called before each wait (logging, metrics). */
  readonly onRetry?: (failure: Failure, delayMs: number, attempt: number) => void;
  /** Called once when the homeserver rejects the access token. */
  readonly onUnknownToken?: (err: unknown) => void;
}

/** The backoff before attempt `attempt + 1` (1-based), with ±25 % jitter. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const raw = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(raw * (0.75 + Math.random() * 0.5));
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The retry waits of one adapter. Every waiting call registers with this object, not with the
 * adapter's `AbortSignal`: one `abort` listener serves them all, so 11 replies waiting on a
 * 429 no longer add 11 listeners to one signal (Node's `MaxListenersExceededWarning`, printed
 * as a plain line on stderr). When the signal aborts (the adapter stops), every wait ends at
 * once and later failures are not waited out: the stop does not wait for `retry_after_ms`.
 */
export interface RetryWaits {
  /** Waits `ms`, or less when the signal aborts. */
  pause(ms: number): Promise<void>;
  /** True once the signal aborted: failures are given up instead of waited out. */
  readonly givingUp: boolean;
  /** Calls given up because of the abort (each counted once). */
  readonly abandoned: number;
  /** Counts one call given up. */
  abandon(): void;
  /** Calls waiting right now. */
  readonly waiting: number;
}

/** Creates the shared waits of one adapter, given up when `signal` aborts. */
export function createRetryWaits(signal: AbortSignal): RetryWaits {
  const sleepers = new Set<() => void>();
  let abandoned = 0;
  signal.addEventListener(
    'abort',
    () => {
      for (const wake of [...sleepers]) wake();
    },
    { once: true },
  );
  return {
    pause(ms) {
      return new Promise((resolve) => {
        if (signal.aborted) return resolve();
        const wake = (): void => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        sleepers.add(wake);
      });
    },
    get givingUp() {
      return signal.aborted;
    },
    get abandoned() {
      return abandoned;
    },
    abandon() {
      abandoned += 1;
    },
    get waiting() {
      return sleepers.size;
    },
  };
}

/** The error of a call given up because the adapter stops while the homeserver asks it to wait. */
function givenUp(err: unknown, what: string): StatsError {
  return new StatsError(
    'rate_limited',
    `matrix ${what}: given up while stopping (the homeserver asked to wait)`,
    'Matrix is rate-limiting the bot and it is restarting. Please try again in a minute.',
    { cause: err },
  );
}

/** Turns a failure the adapter gave up on into the core's error of the right kind. */
export function toStatsError(err: unknown, what: string): StatsError {
  if (err instanceof StatsError) return err;
  const failure = classify(err);
  // Never the raw response as the cause: it carries the request's Authorization header.
  const cause = safeMatrixCause(err);
  const detail =
    cause instanceof Error
      ? cause.message
      : `status ${String((err as { statusCode?: unknown } | undefined)?.statusCode ?? 'unknown')}`;
  switch (failure.kind) {
    case 'unknown_token':
      return new StatsError(
        'auth',
        `matrix ${what}: the homeserver rejected the access token (${failure.errcode})`,
        'The bot cannot reach Matrix right now.',
        { cause },
      );
    case 'transient':
      return failure.status === 0
        ? new UnreachableError(
            'matrix',
            `matrix ${what}: ${detail}`,
            'Matrix is unreachable right now. Please try again later.',
            { cause },
          )
        : new UpstreamError(
            'matrix',
            failure.status,
            `matrix ${what}: ${detail}`,
            'Matrix is having trouble right now. Please try again later.',
            true,
            { cause },
          );
    case 'rate_limited':
      return new UpstreamError(
        'matrix',
        failure.status,
        `matrix ${what}: still rate-limited`,
        'Matrix is rate-limiting the bot. Please try again in a minute.',
        true,
        {
          cause,
          retryAfterMs: failure.retryAfterMs,
        },
      );
    case 'permanent':
      return new UpstreamError(
        'matrix',
        failure.status,
        `matrix ${what}: ${detail}`,
        'Matrix refused the message.',
        false,
        { cause },
      );
  }
}

/**
 * Runs a homeserver call, waiting out 429s for `retry_after_ms` (matrix-bot-sdk never retries by
 * itself) and retrying 5xx and network errors with exponential backoff. The caller makes the
 * call idempotent (the same transaction id on every attempt), so a retry never sends twice.
 *
 * @throws the last error when attempts run out, the failure is permanent or the token is bad.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const rateLimitRetries = options.rateLimitRetries ?? 20;
  let failures = 0;
  let limited = 0;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const failure = classify(err);
      if (failure.kind === 'unknown_token') {
        options.onUnknownToken?.(err);
        throw err;
      }
      if (failure.kind === 'permanent' || options.signal?.aborted) throw err;
      const waits = options.waits;
      if (waits?.givingUp) {
        waits.abandon();
        throw givenUp(err, options.what);
      }
      let delay: number;
      if (failure.kind === 'rate_limited') {
        limited += 1;
        if (limited > rateLimitRetries) throw err;
        delay = Math.min(max, Math.max(0, failure.retryAfterMs));
      } else {
        failures += 1;
        if (failures >= attempts) throw err;
        delay = backoffDelay(failures, base, max);
      }
      options.onRetry?.(failure, delay, failures + limited);
      if (waits !== undefined) {
        await waits.pause(delay);
        if (waits.givingUp) {
          waits.abandon();
          throw givenUp(err, options.what);
        }
        continue;
      }
      await pause(delay, options.signal);
      if (options.signal?.aborted) throw err;
    }
  }
}
