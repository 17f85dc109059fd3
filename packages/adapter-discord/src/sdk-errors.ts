import { scrubSecrets, StatsError, UnreachableError, UpstreamError } from '@stats/core';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';

const NETWORK = /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/;

function userMessage(status: number): string {
  if (status === 429) return 'Discord is rate-limiting the bot. Please try again in a minute.';
  if (status >= 500) return 'Discord is having trouble right now. Please try again later.';
  return 'Discord refused the request.';
}

function networkCode(error: Error): string | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string' && NETWORK.test(own)) return own;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof cause === 'string' && NETWORK.test(cause) ? cause : undefined;
}

/**
 * Converts an error discord.js threw into the core's error, at the adapter's edge. discord.js
 * errors keep the request: `DiscordAPIError.url` and `HTTPError.url` hold interaction and
 * webhook tokens in their paths, `requestBody` the message sent. What leaves the adapter keeps
 * only the method, status, Discord's error code and message, and the rate-limit wait:
 *
 * - `DiscordAPIError`/`HTTPError` (Discord answered with an error) → `UpstreamError`;
 * - `RateLimitError` (discord.js refused to wait longer) → `UpstreamError` 429 with `retryAfterMs`;
 * - a network error (`ECONNREFUSED`, undici's codes) → `UnreachableError`;
 * - anything else is returned as it is.
 */
export function fromDiscordError(error: unknown, what: string): unknown {
  if (error instanceof StatsError) return error;
  if (error instanceof DiscordAPIError) {
    const status = error.status;
    return new UpstreamError(
      'discord',
      status,
      scrubSecrets(`discord ${what}: ${error.method.toUpperCase()} ${status} ${String(error.code)} ${error.message}`),
      userMessage(status),
      status === 429 || status >= 500,
    );
  }
  if (error instanceof HTTPError) {
    const status = error.status;
    return new UpstreamError(
      'discord',
      status,
      `discord ${what}: ${error.method.toUpperCase()} ${status} ${scrubSecrets(error.message)}`,
      userMessage(status),
      status === 429 || status >= 500,
    );
  }
  if (error instanceof RateLimitError) {
    return new UpstreamError(
      'discord',
      429,
      `discord ${what}: rate limited on ${error.method.toUpperCase()} ${scrubSecrets(error.route)}`,
      userMessage(429),
      true,
      {
        retryAfterMs: error.retryAfter,
      },
    );
  }
  if (error instanceof Error) {
    const code = networkCode(error);
    if (code !== undefined)
      return new UnreachableError(
        'discord',
        `discord ${what}: ${code}`,
        'Discord is unreachable right now. Please try again later.',
      );
  }
  return error;
}

/** {@link fromDiscordError} as an `Error` to throw (non-errors are wrapped). */
export function discordFailure(error: unknown, what: string): Error {
  const converted = fromDiscordError(error, what);
  return converted instanceof Error
    ? converted
    : new Error(scrubSecrets(`discord ${what} failed: ${String(converted)}`));
}
