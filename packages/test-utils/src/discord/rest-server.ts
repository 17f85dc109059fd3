import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Gateway } from './gateway.js';
import { route, writeAnswer } from './rest-routes.js';
import type { DiscordState } from './state.js';

const PREFIX = '/api/v10/';

interface Bucket {
  count: number;
  resetAt: number;
}

/** The bucket a request counts against: method plus the route's major parameter. */
function bucketOf(method: string, parts: readonly string[]): string {
  const [head, major] = parts;
  if (head === 'interactions') return `${method} interactions`;
  return `${method} ${head ?? ''}/${major ?? ''}/${parts.length > 2 ? parts[2] : ''}`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the HTTP server: REST below `/api/v10`, the gateway as a WebSocket upgrade on `/gateway`.
 * Every answer carries `X-RateLimit-*` headers; 429s carry Discord's body and `Retry-After`.
 */
export function createRestServer(state: DiscordState, gateway: Gateway): Server {
  const buckets = new Map<string, Bucket>();

  const rateHeaders = (key: string): { headers: Record<string, string>; exceeded: number | undefined } => {
    const limits = state.behaviour.bucket;
    const now = Date.now();
    if (limits === undefined) {
      return {
        headers: {
          'x-ratelimit-limit': '1000',
          'x-ratelimit-remaining': '999',
          'x-ratelimit-reset': String((now + 1000) / 1000),
          'x-ratelimit-reset-after': '1',
          'x-ratelimit-bucket': Buffer.from(key).toString('hex').slice(0, 16),
        },
        exceeded: undefined,
      };
    }
    let bucket = buckets.get(key);
    if (bucket === undefined || bucket.resetAt <= now) {
      bucket = { count: 0, resetAt: now + limits.windowMs };
      buckets.set(key, bucket);
    }
    bucket.count += 1;
    const resetAfter = (bucket.resetAt - now) / 1000;
    const headers = {
      'x-ratelimit-limit': String(limits.limit),
      'x-ratelimit-remaining': String(Math.max(0, limits.limit - bucket.count)),
      'x-ratelimit-reset': (bucket.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': Buffer.from(key).toString('hex').slice(0, 16),
    };
    return { headers, exceeded: bucket.count > limits.limit ? resetAfter : undefined };
  };

  const rateLimited = (
    response: ServerResponse,
    path: string,
    retryAfter: number,
    global: boolean,
    headers: Record<string, string>,
  ): void => {
    state.rateLimited.push(path);
    state.changed();
    const extra: Record<string, string> = {
      ...headers,
      'retry-after': retryAfter.toFixed(3),
      'x-ratelimit-scope': global ? 'global' : 'user',
    };
    if (global) extra['x-ratelimit-global'] = 'true';
    writeAnswer(
      response,
      { status: 429, body: { message: 'You are being rate limited.', retry_after: retryAfter, global } },
      extra,
    );
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    if (!url.pathname.startsWith(PREFIX)) {
      writeAnswer(
        response,
        { status: 404, body: { code: 0, message: `404: Not Found (the API lives below ${PREFIX})` } },
        {},
      );
      return;
    }
    const path = url.pathname
      .slice(PREFIX.length)
      .split('/')
      .map((p) => decodeURIComponent(p))
      .join('/');
    const parts = path.split('/');
    const authorized = request.headers.authorization === `Bot ${state.token}`;
    const record = (status: number): void => {
      state.requests.push({ method, path: `/${path}`, status, authorized });
      state.changed();
    };
    const fault = state.takeFault(method, `/${path}`);
    if (fault?.delayMs !== undefined) await sleep(fault.delayMs);
    const { headers, exceeded } = rateHeaders(bucketOf(method, parts));
    if (fault !== undefined && fault.status === 429) {
      record(429);
      rateLimited(response, `/${path}`, fault.retryAfter ?? 0.2, fault.global === true, headers);
      return;
    }
    if (exceeded !== undefined) {
      record(429);
      rateLimited(response, `/${path}`, exceeded, false, headers);
      return;
    }
    if (fault !== undefined && fault.status !== 0) {
      record(fault.status);
      const message = fault.status === 401 ? '401: Unauthorized' : `${fault.status}: stand-in fault`;
      writeAnswer(response, { status: fault.status, body: { code: 0, message } }, headers);
      return;
    }
    const answer = await route(state, method, parts, url.searchParams, request, authorized);
    record(answer.status);
    writeAnswer(response, answer, headers);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      state.protocolErrors.push(`REST handler failed: ${String(err)}`);
      if (!response.headersSent)
        writeAnswer(response, { status: 500, body: { code: 0, message: '500: Internal Server Error' } }, {});
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== '/gateway') {
      socket.destroy();
      return;
    }
    gateway.upgrade(request, socket, head);
  });
  return server;
}
