import { StatsError, UpstreamError } from '../errors/index.js';

/** How a failed send should be handled. */
export interface SendFailure {
  /** Trying again later may succeed (429, 5xx, network, timeout). */
  readonly retryable: boolean;
  /** How long the platform asked us to wait, when it said so. */
  readonly retryAfterMs: number | undefined;
  /** The HTTP status, when known (0 otherwise). */
  readonly status: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Reads a send error: our own {@link UpstreamError} (adapters should throw it with
 * `retryAfterMs`), or the shapes the platform SDKs throw (matrix-bot-sdk `MatrixError`
 * `statusCode`/`retryAfterMs`, grammY `GrammyError` `error_code`/`parameters.retry_after`,
 * discord.js `DiscordAPIError` `status` and `RateLimitError` `retryAfter`).
 */
export function classifySendFailure(error: unknown): SendFailure {
  if (error instanceof UpstreamError) {
    return {
      retryable: error.retryable || error.status === 429 || error.status >= 500,
      retryAfterMs: error.retryAfterMs,
      status: error.status,
    };
  }
  if (error instanceof StatsError) {
    const retryable = error.code === 'unreachable' || error.code === 'timeout' || error.code === 'rate_limited';
    return { retryable, retryAfterMs: undefined, status: 0 };
  }
  if (typeof error !== 'object' || error === null) return { retryable: true, retryAfterMs: undefined, status: 0 };
  const e = error as Record<string, unknown>;
  const parameters = (typeof e['parameters'] === 'object' && e['parameters'] !== null ? e['parameters'] : {}) as Record<
    string,
    unknown
  >;
  const status = num(e['status']) ?? num(e['statusCode']) ?? num(e['error_code']) ?? num(e['httpStatus']) ?? 0;
  const seconds = num(parameters['retry_after']);
  const retryAfterMs =
    num(e['retryAfterMs']) ?? (seconds === undefined ? undefined : seconds * 1000) ?? num(e['retryAfter']);
  const retryable = status === 0 || status === 429 || status >= 500 || retryAfterMs !== undefined;
  return { retryable, retryAfterMs, status };
}
