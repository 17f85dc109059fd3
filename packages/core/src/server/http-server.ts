import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HttpHandler, HttpRoutes } from '../chat/index.js';

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Readiness: per component, true when connected. */
  readonly readiness: () => Readonly<Record<string, boolean>>;
  /** Largest request body accepted, bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
}

/** The bot's running HTTP server. */
export interface HttpServer extends HttpRoutes {
  /** `http://host:port` as bound (port 0 becomes the real port). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, closes idle connections, resolves when closed. */
  close(): Promise<void>;
}

function json(response: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Starts the bot's own HTTP server: `GET /health` (200 while running), `GET /health/ready`
 * (503 until every adapter is connected), `GET /metrics` (Prometheus text), plus routes that
 * adapters and features add (webhooks).
 *
 * @throws the listen error (e.g. `EADDRINUSE`) when the port is taken.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const routes = new Map<string, HttpHandler>();
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const logger = options.logger;

  routes.set('GET /health', (_req, res) => json(res, 200, { status: 'ok' }));
  routes.set('GET /health/ready', (_req, res) => {
    const checks = options.readiness();
    const ready = Object.values(checks).every(Boolean);
    json(res, ready ? 200 : 503, { status: ready ? 'ok' : 'starting', checks });
  });
  routes.set('GET /metrics', async (_req, res) => {
    const text = await options.registry.metrics();
    res.writeHead(200, { 'content-type': options.registry.contentType });
    res.end(text);
  });

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const handler = routes.get(`${request.method ?? 'GET'} ${path}`);
    if (handler === undefined) {
      const known = [...routes.keys()].some((key) => key.endsWith(` ${path}`));
      json(response, known ? 405 : 404, { error: known ? 'method not allowed' : 'not found' });
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        json(response, 413, { error: 'request body too large' });
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (response.headersSent) return;
      Promise.resolve()
        .then(() => handler(request, response, Buffer.concat(chunks)))
        .catch((error: unknown) => {
          logger.error({ err: error, path }, 'HTTP handler failed');
          if (!response.headersSent) json(response, 500, { error: 'internal error' });
          else response.end();
        });
    });
  });
  server.keepAliveTimeout = 5000;

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
    route(method, path, handler) {
      const key = `${method} ${path}`;
      if (routes.has(key)) throw new TypeError(`HTTP route ${key} is already registered`);
      routes.set(key, handler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
