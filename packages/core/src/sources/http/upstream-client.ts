import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { sleep } from '../../async/index.js';
import { TimeoutError, UnreachableError, UpstreamError } from '../../errors/index.js';
import type { Metrics } from '../../metrics/index.js';
import {
  isRetryableStatus,
  MalformedAnswerError,
  oneLine,
  parseRetryAfter,
  statusUserMessage,
} from './upstream-errors.js';

let undici: Promise<typeof import('undici')> | undefined;
/** undici, loaded on the first upstream call: a bot that never calls an upstream never pays for it. */
export function loadUndici(): Promise<typeof import('undici')> {
  undici ??= import('undici');
  return undici;
}

/** How one upstream is reached; shared by every call of one client. */
export interface UpstreamOptions {
  /** Metric label and error `source`, lower case: `umami`, `prometheus`, `auth`. */
  readonly source: string;
  /** The name users read in error messages: `Umami`, `Prometheus`. */
  readonly name: string;
  /** Base URL; a request's `path` is resolved against it. Credentials in it become a Basic `authorization` header. */
  readonly baseUrl: string;
  readonly metrics?: Metrics | undefined;
  readonly logger?: Logger | undefined;
  /** Per-call time budget in ms (default 5000); combined with the caller's signal. */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent reads after a retryable failure (default 2). */
  readonly retries?: number;
  /** Base of the jittered exponential backoff in ms (default 200). */
  readonly retryBaseMs?: number;
  /** A `Retry-After` longer than this (ms) is not waited for; the error goes to the user (default 5000). */
  readonly maxRetryAfterMs?: number;
  /** Reads the upstream's own error text out of an error body (JSON or text). */
  readonly describeError?: (status: number, body: string) => string | undefined;
  /** An undici dispatcher (agent, proxy, mock pool in a bench). */
  readonly dispatcher?: Dispatcher;
  /** The clock (Unix ms) for `Retry-After` dates. */
  readonly now?: () => number;
}

/** One call. */
export interface UpstreamRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path relative to the base URL, e.g. `api/websites` (a leading `/` is kept relative to the base path). */
  readonly path: string;
  /** Query parameters; `undefined` values are left out. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body (sets `content-type`). */
  readonly json?: unknown;
  /** A form body (`application/x-www-form-urlencoded`). */
  readonly form?: Readonly<Record<string, string>>;
  /** Aborts the call (the command's budget, shutdown). */
  readonly signal?: AbortSignal | undefined;
  /** Reads may be retried; anything else never is. Default: true for GET only. */
  readonly idempotent?: boolean;
  /** Overrides the client's per-call timeout. */
  readonly timeoutMs?: number;
  /** Statuses the caller handles itself: answered, not thrown (e.g. 401 to log in again). */
  readonly accept?: readonly number[];
}

/** An answer with its text body. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/** An HTTP client for one upstream: timeouts, retries for reads, classified errors, metrics. */
export interface UpstreamClient {
  readonly source: string;
  readonly name: string;
  /** Sends one request; throws {@link UpstreamError}, {@link UnreachableError} or {@link TimeoutError}. */
  request(req: UpstreamRequest): Promise<UpstreamResponse>;
  /**
   * Sends one request and parses its JSON body (`undefined` for an empty body, or for a
   * non-JSON body of an accepted error status).
   * @throws MalformedAnswerError when a 2xx body is not JSON.
   */
  json(req: UpstreamRequest): Promise<{ readonly status: number; readonly body: unknown }>;
  /** A {@link MalformedAnswerError} for an answer of the wrong shape, counted as `kind="malformed"`. */
  malformed(detail: string, cause?: unknown): MalformedAnswerError;
}

const SYSTEM_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Splits credentials out of a base URL (`http://user:pass@vm:8428`): they travel as a Basic
 * `authorization` header, never in a URL that could reach a log or an error message.
 */
function splitCredentials(baseUrl: string): { readonly base: string; readonly authorization: string | undefined } {
  const url = new URL(baseUrl);
  if (url.username === '' && url.password === '') return { base: baseUrl, authorization: undefined };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { base: url.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function buildUrl(baseUrl: string, path: string, query: UpstreamRequest['query']): URL {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const url = new URL(path.replace(/^\/+/, ''), base);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

/**
 * Creates the client every source uses to reach its upstream.
 *
 * Failures are classified the grammY way: the upstream answered with an error
 * ({@link UpstreamError}: source, status, retryable, a `userMessage` naming the upstream) versus
 * we never reached it ({@link UnreachableError}) or ran out of time ({@link TimeoutError}). A 2xx
 * answer that is not JSON becomes a {@link MalformedAnswerError}. Idempotent reads are retried
 * with full-jitter exponential backoff on unreachable, 5xx and 429 (honouring `Retry-After`).
 * Every call counts `stats_upstream_requests_total{source,outcome}` and each failure
 * `stats_upstream_errors_total{source,kind}`.
 *
 * @example
 * const http = createUpstreamClient({ source: 'prometheus', name: 'Prometheus', baseUrl: 'http://127.0.0.1:9090' });
 * const { body } = await http.json({ path: 'api/v1/query', query: { query: 'up' }, signal });
 */
export function createUpstreamClient(options: UpstreamOptions): UpstreamClient {
  const { source, name } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 5000;
  const now = options.now ?? Date.now;
  const log = options.logger?.child({ component: 'upstream', source });
  const { base: baseUrl, authorization } = splitCredentials(options.baseUrl);

  function count(outcome: 'ok' | 'error', kind?: string): void {
    options.metrics?.upstreamRequests.inc({ source, outcome });
    if (kind !== undefined) options.metrics?.upstreamErrors.inc({ source, kind });
  }

  async function attempt(req: UpstreamRequest, url: URL): Promise<UpstreamResponse> {
    const budget = AbortSignal.timeout(req.timeoutMs ?? timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, budget]) : budget;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(authorization ? { authorization } : {}),
      ...req.headers,
    };
    let body: string | null = null;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form as Record<string, string>).toString();
    }
    const what = `${req.method ?? 'GET'} ${url.pathname}`;
    try {
      const { request } = await loadUndici();
      const res = await request(url, {
        method: req.method ?? 'GET',
        headers,
        body,
        signal,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      if (signal.aborted) {
        const byCaller = req.signal?.aborted === true;
        throw new TimeoutError(
          source,
          `${name}: ${what} aborted after ${byCaller ? 'the caller gave up' : `${req.timeoutMs ?? timeoutMs} ms`}`,
          `${name} did not answer in time. Please try again later.`,
          { cause: err },
        );
      }
      const code = errorCode(err) ?? 'unknown';
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        throw new TimeoutError(source, `${name}: ${what} timed out (${code})`, undefined, { cause: err });
      }
      throw new UnreachableError(
        source,
        `${name}: ${what} failed: ${code}`,
        `${name} is unreachable right now${SYSTEM_UNREACHABLE.has(code) ? '' : ` (${code})`}. Please try again later.`,
        { cause: err },
      );
    }
  }

  function statusError(res: UpstreamResponse, url: URL, method: string): UpstreamError {
    const detail =
      options.describeError?.(res.status, res.text) ?? (res.text.trim() === '' ? undefined : oneLine(res.text));
    const retryAfterMs =
      res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers['retry-after'], now()) : undefined;
    return new UpstreamError(
      source,
      res.status,
      `${name}: ${method} ${url.pathname} answered HTTP ${res.status}${detail ? `: ${oneLine(detail)}` : ''}`,
      statusUserMessage(name, res.status, detail, retryAfterMs),
      isRetryableStatus(res.status),
      retryAfterMs === undefined ? undefined : { retryAfterMs },
    );
  }

  async function send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const method = req.method ?? 'GET';
    const url = buildUrl(baseUrl, req.path, req.query);
    const idempotent = req.idempotent ?? method === 'GET';
    const maxAttempts = idempotent ? retries + 1 : 1;
    for (let n = 1; ; n++) {
      let failure: Error;
      let waitMs = Math.random() * retryBaseMs * 2 ** (n - 1);
      try {
        const res = await attempt(req, url);
        if (res.status >= 200 && res.status < 300) {
          count('ok');
          return res;
        }
        if (req.accept?.includes(res.status)) {
          // The caller handles it (e.g. 401 → log in again), but it still was an error answer.
          count('error', 'status');
          return res;
        }
        const err = statusError(res, url, method);
        count('error', 'status');
        if (!err.retryable) throw err;
        if (err.retryAfterMs !== undefined) {
          if (err.retryAfterMs > maxRetryAfterMs) throw err;
          waitMs = Math.max(waitMs, err.retryAfterMs);
        }
        failure = err;
      } catch (err) {
        if (err instanceof UpstreamError) throw err;
        if (err instanceof TimeoutError) {
          count('error', 'timeout');
          throw err;
        }
        count('error', 'unreachable');
        failure = err as Error;
      }
      if (n >= maxAttempts || req.signal?.aborted) throw failure;
      log?.debug(
        { attempt: n, waitMs: Math.round(waitMs), code: (failure as { code?: string }).code },
        'retrying upstream read',
      );
      try {
        await sleep(waitMs, req.signal);
        req.signal?.throwIfAborted();
      } catch (abort) {
        throw new TimeoutError(source, `${name}: gave up while waiting to retry`, undefined, { cause: abort });
      }
    }
  }

  return {
    source,
    name,
    request: send,
    malformed(detail, cause) {
      options.metrics?.upstreamErrors.inc({ source, kind: 'malformed' });
      return new MalformedAnswerError(source, name, detail, cause === undefined ? undefined : { cause });
    },
    async json(req) {
      const res = await send(req);
      try {
        return { status: res.status, body: res.text === '' ? undefined : (JSON.parse(res.text) as unknown) };
      } catch (err) {
        // An accepted error status (e.g. 401 handled by the caller) may carry a text body.
        if (res.status < 200 || res.status >= 300) return { status: res.status, body: undefined };
        options.metrics?.upstreamErrors.inc({ source, kind: 'malformed' });
        throw new MalformedAnswerError(source, name, `not JSON (${oneLine(res.text, 60)})`, { cause: err });
      }
    },
  };
}
