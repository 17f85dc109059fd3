import { scrubSecrets, UnreachableError, UpstreamError, type StatsError } from '@stats/core';
import { GrammyError, HttpError } from 'grammy';

function userMessage(status: number): string {
  if (status === 429) return 'Telegram is rate-limiting the bot. Please try again in a minute.';
  if (status >= 500) return 'Telegram is having trouble right now. Please try again later.';
  return 'Telegram refused the request.';
}

/**
 * Converts an error grammY threw into the core's error, at the adapter's edge, so nothing
 * that leaves the adapter carries what grammY keeps: `GrammyError.payload` (the call's
 * parameters, e.g. `secret_token` of setWebhook) or `HttpError.error` (the fetch error, whose
 * message holds the request URL with the bot token).
 *
 * - `GrammyError` (the Bot API answered with an error) becomes an `UpstreamError` with the
 *   status (`error_code`), the method and description, and `retryAfterMs` from `retry_after`.
 * - `HttpError` (the Bot API was not reached) becomes an `UnreachableError` naming the method
 *   and the system error code only.
 * - Anything else is returned as it is (already ours, or not from grammY).
 */
export function fromTelegramError(error: unknown, what: string): unknown {
  if (error instanceof GrammyError) {
    const status = error.error_code;
    const retryAfter = error.parameters.retry_after;
    return new UpstreamError(
      'telegram',
      status,
      scrubSecrets(`telegram ${what}: ${error.method} failed (${status}: ${error.description})`),
      userMessage(status),
      status === 429 || status >= 500,
      retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 },
    );
  }
  if (error instanceof HttpError) {
    const inner = error.error as { code?: unknown; cause?: { code?: unknown } } | undefined;
    const code =
      typeof inner?.code === 'string'
        ? inner.code
        : typeof inner?.cause?.code === 'string'
          ? inner.cause.code
          : undefined;
    const converted: StatsError = new UnreachableError(
      'telegram',
      `telegram ${what}: the Bot API could not be reached${code === undefined ? '' : ` (${code})`}`,
      'Telegram is unreachable right now. Please try again later.',
    );
    return converted;
  }
  return error;
}

/** {@link fromTelegramError} as an `Error` to throw (non-errors are wrapped). */
export function telegramFailure(error: unknown, what: string): Error {
  const converted = fromTelegramError(error, what);
  return converted instanceof Error
    ? converted
    : new Error(scrubSecrets(`telegram ${what} failed: ${String(converted)}`));
}
