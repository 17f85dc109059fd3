import { scrubSecrets, StatsError, UnreachableError, UpstreamError } from '@stats/core';
import { MatrixError } from './matrix-sdk.js';

type Bag = Record<string, unknown>;

const NETWORK = /^E[A-Z]+$/;

/**
 * The raw `request` response matrix-bot-sdk throws on a non-2xx answer without `errcode` (a
 * proxy's 502 page). It carries `request.headers.Authorization: Bearer <token>`.
 */
function isRawResponse(err: unknown): err is Bag & { statusCode: number } {
  return (
    typeof err === 'object' && err !== null && !(err instanceof Error) && typeof (err as Bag)['statusCode'] === 'number'
  );
}

/** What is left of a raw response: its status and `Retry-After`, nothing else. */
export class MatrixHttpError extends Error {
  override readonly name = 'MatrixHttpError';
  /** Only `retry-after`, so the retry logic reads the same header it read on the raw response. */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    readonly statusCode: number,
    statusMessage: string | undefined,
    retryAfter: string | undefined,
  ) {
    super(`HTTP ${statusCode}${statusMessage === undefined ? '' : ` ${statusMessage}`}`);
    this.headers = retryAfter === undefined ? {} : { 'retry-after': retryAfter };
  }
}

/** A network error of the HTTP client, reduced to its code and scrubbed message. */
export class MatrixNetworkError extends Error {
  override readonly name = 'MatrixNetworkError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(scrubSecrets(message));
  }
}

/**
 * The same failure without what matrix-bot-sdk attaches to it: a raw response becomes a
 * {@link MatrixHttpError} (status, `Retry-After`), a network error a {@link MatrixNetworkError}
 * (code, scrubbed message). A `MatrixError` (the homeserver's JSON error: status, `errcode`,
 * `error`, `retry_after_ms`) and our own errors are kept. Use it as the `cause` of the core's
 * errors; the retry logic classifies the result exactly as the original.
 */
export function safeMatrixCause(err: unknown): unknown {
  if (
    err instanceof MatrixError ||
    err instanceof StatsError ||
    err instanceof MatrixHttpError ||
    err instanceof MatrixNetworkError
  )
    return err;
  if (isRawResponse(err)) {
    const headers = (err['headers'] ?? {}) as Bag;
    const retryAfter = headers['retry-after'];
    const statusMessage = err['statusMessage'];
    return new MatrixHttpError(
      err.statusCode,
      typeof statusMessage === 'string' ? statusMessage : undefined,
      typeof retryAfter === 'string' ? retryAfter : undefined,
    );
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK.test(code)) return new MatrixNetworkError(err.message, code);
  }
  return err;
}

/**
 * Converts what matrix-bot-sdk threw into the core's error at the adapter's edge, for a log
 * line or a caller: a `MatrixError` or raw response becomes an `UpstreamError` (status,
 * `errcode` in the message, `retryAfterMs`), a network error an `UnreachableError`. Anything
 * else (our own errors, a bug) is returned as it is.
 */
export function matrixSdkError(err: unknown, what: string): unknown {
  if (err instanceof StatsError) return err;
  const safe = safeMatrixCause(err);
  if (safe instanceof MatrixError) {
    const status = safe.statusCode;
    return new UpstreamError(
      'matrix',
      status,
      `matrix ${what}: ${safe.errcode} (${status})`,
      'Matrix refused the request.',
      status === 429 || status >= 500,
      {
        cause: safe,
        ...(safe.retryAfterMs === undefined ? {} : { retryAfterMs: safe.retryAfterMs }),
      },
    );
  }
  if (safe instanceof MatrixHttpError) {
    const status = safe.statusCode;
    return new UpstreamError(
      'matrix',
      status,
      `matrix ${what}: ${safe.message}`,
      'Matrix is having trouble right now. Please try again later.',
      status === 429 || status >= 500,
      { cause: safe },
    );
  }
  if (safe instanceof MatrixNetworkError) {
    return new UnreachableError(
      'matrix',
      `matrix ${what}: ${safe.code ?? 'network error'}`,
      'Matrix is unreachable right now. Please try again later.',
      { cause: safe },
    );
  }
  return safe;
}
