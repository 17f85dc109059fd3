/**
 * Stable codes carried by every {@link StatsError}; metrics and tests key on them.
 */
export type ErrorCode =
  | 'bad_args'
  | 'unknown_command'
  | 'not_logged_in'
  | 'direct_only'
  | 'rate_limited'
  | 'upstream'
  | 'unreachable'
  | 'timeout'
  | 'config'
  | 'auth'
  | 'internal';

/** The default text a user sees when nothing more precise can be said. */
export const GENERIC_USER_MESSAGE = 'Something went wrong. Please try again in a minute.';

/**
 * The one base error of stats. `message` is for logs (precise, internal); `userMessage` is
 * what the chat shows (short, safe, actionable). Neither ever holds a token, a password or a
 * URL with credentials.
 *
 * @example
 * throw new StatsError('config', 'UMAMI_API_URL missing', 'Umami is not configured: set UMAMI_API_URL.');
 */
export class StatsError extends Error {
  /** Short, safe text for the chat. */
  readonly userMessage: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    userMessage: string = GENERIC_USER_MESSAGE,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.userMessage = userMessage;
  }
}

/** An upstream answered with an error (HTTP status, error body). */
export class UpstreamError extends StatsError {
  constructor(
    /** Which upstream: `umami`, `prometheus`, `auth`, `postgres`, … */
    readonly source: string,
    /** The HTTP status (0 when not HTTP). */
    readonly status: number,
    message: string,
    userMessage: string,
    /** Whether trying again later may succeed (5xx, 429). */
    readonly retryable: boolean,
    options?: ErrorOptions & { retryAfterMs?: number },
  ) {
    super('upstream', message, userMessage, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
  /** How long the upstream asked us to wait, when it said so. */
  readonly retryAfterMs: number | undefined;
}

/** We never reached the upstream (connection refused, DNS, reset). */
export class UnreachableError extends StatsError {
  constructor(
    readonly source: string,
    message: string,
    userMessage?: string,
    options?: ErrorOptions,
  ) {
    super(
      'unreachable',
      message,
      userMessage ?? `${source} is unreachable right now. Please try again later.`,
      options,
    );
  }
}

/** The work ran past its time budget or was aborted. */
export class TimeoutError extends StatsError {
  constructor(
    readonly source: string,
    message: string,
    userMessage?: string,
    options?: ErrorOptions,
  ) {
    super('timeout', message, userMessage ?? `${source} did not answer in time. Please try again later.`, options);
  }
}

/** Configuration is missing or invalid; `variables` names each offending variable. */
export class ConfigError extends StatsError {
  constructor(
    readonly variables: readonly string[],
    message: string,
    userMessage?: string,
  ) {
    super('config', message, userMessage ?? message);
  }
}

/** True when `value` is a {@link StatsError} (also across duplicated module copies). */
export function isStatsError(value: unknown): value is StatsError {
  return value instanceof StatsError;
}
