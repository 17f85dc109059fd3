import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HttpHandler, HttpRefusal, HttpRoute, HttpRoutes } from '../chat/index.js';
import { resolveHttpLimits, type HttpLimits } from './http-limits.js';

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly port: number;
  readonly host?: string;
  /**
   * What `GET /metrics` serves: a prom-client registry, or anything with its `metrics()` and
   * `contentType` (read at each scrape, so a lazy registry loads prom-client on the first one).
   */
  readonly registry: Pick<Registry, 'metrics' | 'contentType'>;
  readonly logger: Logger;
  /** Readiness: per component, true when connected. */
  readonly readiness: () => Readonly<Record<string, boolean>>;
  /** Largest request body accepted, bytes (default 1 MiB); same as `limits.maxBodyBytes`. */
  readonly maxBodyBytes?: number;
  /** Timeouts, keep-alive and connection cap (see {@link HttpLimits} for the defaults). */
  readonly limits?: HttpLimits;
}

/** The bot's running HTTP server. */
export interface HttpServer extends HttpRoutes {
  /** `http://host:port` as bound (port 0 becomes the real port). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, closes idle connections, resolves when closed. */
  close(): Promise<void>;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Answers without reading the body and closes the connection once the answer is out, so a
 * client that announced a large body cannot make the server read (or buffer) it.
 */
function refuse(request: IncomingMessage, response: ServerResponse, refusal: HttpRefusal): void {
  const text = refusal.body ?? '{"error":"unauthorized"}';
  response.shouldKeepAlive = false;
  response.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    ...refusal.headers,
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  request.pause();
  response.end(text, () => request.socket.destroy());
}

/** The JSON refusal of a status. */
function refusal(status: number, error: string): HttpRefusal {
  return { status, body: JSON.stringify({ error }) };
}

/**
 * Starts the bot's own HTTP server: `GET /health` (200 while running), `GET /health/ready`
 * (503 until every adapter is connected), `GET /metrics` (Prometheus text), plus routes that
 * adapters and features add (webhooks).
 *
 * A request is checked from its headers first: unknown paths (404), wrong methods (405), a
 * route's `authorize` (its refusal, typically 401) and a `content-length` over the route's
 * limit (413) are answered before a byte of the body is read, and the connection is closed.
 * Requests must arrive within `limits.requestTimeoutMs` (else 408 and closed); at most
 * `limits.maxConnections` connections are open at once (further ones are closed at once).
 *
 * @throws the listen error (e.g. `EADDRINUSE`) when the port is taken; a `RangeError` for bad limits.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const limits = resolveHttpLimits({
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...options.limits,
  });
  const routes = new Map<string, HttpRoute>();
  const logger = options.logger;

  const builtIn = (handle: HttpHandler): HttpRoute => ({ handle, maxBodyBytes: 0 });
  routes.set(
    'GET /health',
    builtIn((_req, res) => json(res, 200, { status: 'ok' })),
  );
  routes.set(
    'GET /health/ready',
    builtIn((_req, res) => {
      const checks = options.readiness();
      const ready = Object.values(checks).every(Boolean);
      json(res, ready ? 200 : 503, { status: ready ? 'ok' : 'starting', checks });
    }),
  );
  routes.set(
    'GET /metrics',
    builtIn(async (_req, res) => {
      const text = await options.registry.metrics();
      res.writeHead(200, { 'content-type': options.registry.contentType });
      res.end(text);
    }),
  );

  const run = (
    route: HttpRoute,
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    path: string,
  ): void => {
    Promise.resolve()
      .then(() => route.handle(request, response, body))
      .catch((error: unknown) => {
        logger.error({ err: error, path }, 'HTTP handler failed');
        if (!response.headersSent) json(response, 500, { error: 'internal error' });
        else response.end();
      });
  };

  // node:http (and net, streams' HTTP parts) loads when a server starts, not with the library:
  // a bot without a port never pays for it.
  const { createServer } = await import('node:http');
  const server: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node looks for requests past their timeout (its default is 30 s).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    (request, response) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const route = routes.get(`${request.method ?? 'GET'} ${path}`);
      if (route === undefined) {
        const known = [...routes.keys()].some((key) => key.endsWith(` ${path}`));
        refuse(request, response, known ? refusal(405, 'method not allowed') : refusal(404, 'not found'));
        return;
      }
      const denied = route.authorize?.(request);
      if (denied !== undefined) {
        refuse(request, response, denied);
        return;
      }
      const maxBody = route.maxBodyBytes ?? limits.maxBodyBytes;
      const declared = Number(request.headers['content-length'] ?? 0);
      const chunked = request.headers['transfer-encoding'] !== undefined;
      if (!Number.isFinite(declared) || declared > maxBody || (chunked && maxBody === 0)) {
        refuse(request, response, refusal(413, 'request body too large'));
        return;
      }
      if (declared === 0 && !chunked) {
        // No body: the handler need not wait for one.
        request.resume();
        run(route, request, response, Buffer.alloc(0), path);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > maxBody) {
          request.off('data', onData);
          chunks.length = 0;
          refuse(request, response, refusal(413, 'request body too large'));
          return;
        }
        chunks.push(chunk);
      };
      request.on('data', onData);
      request.on('end', () => {
        if (response.headersSent || size > maxBody) return;
        run(route, request, response, Buffer.concat(chunks), path);
      });
    },
  );
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.maxConnections = limits.maxConnections;
  let lastDropLog = 0;
  server.on('drop', () => {
    // Logged at most once a minute: a flood must not become a flood of log lines.
    if (Date.now() - lastDropLog < 60_000) return;
    lastDropLog = Date.now();
    logger.warn({ maxConnections: limits.maxConnections }, 'HTTP connection limit reached; closing new connections');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    route(method, path, route) {
      const key = `${method} ${path}`;
      if (routes.has(key)) throw new TypeError(`HTTP route ${key} is already registered`);
      routes.set(key, typeof route === 'function' ? { handle: route } : route);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
