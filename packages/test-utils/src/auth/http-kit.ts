import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads the whole request body as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body, `{}` when empty or malformed. */
export function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Answers JSON with `status` and extra headers. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** A failure a stand-in can be told to answer with: an HTTP status or a delay before answering. */
export type Failure =
  | { readonly status: number; readonly retryAfterSeconds?: number; readonly body?: unknown }
  | { readonly delayMs: number };

/** Queued failures per endpoint, each used `times` times. */
export class FailurePlan {
  readonly #plans = new Map<string, { failure: Failure; left: number }[]>();

  /** Makes `endpoint` answer `failure` for the next `times` calls (default: until cleared). */
  add(endpoint: string, failure: Failure, times = Number.POSITIVE_INFINITY): void {
    const list = this.#plans.get(endpoint) ?? [];
    list.push({ failure, left: times });
    this.#plans.set(endpoint, list);
  }

  /** Forgets every planned failure. */
  clear(): void {
    this.#plans.clear();
  }

  /** The failure for this call of `endpoint`, consuming one use. */
  take(endpoint: string): Failure | undefined {
    const list = this.#plans.get(endpoint);
    const next = list?.[0];
    if (!list || !next) return undefined;
    next.left -= 1;
    if (next.left <= 0) list.shift();
    return next.failure;
  }
}

/** Applies a planned failure: waits for a delay (resolves false) or answers the error (resolves true). */
export async function applyFailure(response: ServerResponse, failure: Failure | undefined): Promise<boolean> {
  if (failure === undefined) return false;
  if ('delayMs' in failure) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, failure.delayMs);
      response.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return response.writableEnded || response.destroyed;
  }
  const headers: Record<string, string> =
    failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
  sendJson(
    response,
    failure.status,
    failure.body ?? { statusCode: failure.status, message: `planned failure ${failure.status}` },
    headers,
  );
  return true;
}
