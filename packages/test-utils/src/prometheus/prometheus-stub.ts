import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from './processes.js';

/** One scripted answer of {@link startPrometheusStub}. */
export interface StubAnswer {
  readonly status?: number;
  /** A JSON value (serialised) or raw text. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait before answering (a slow server). */
  readonly delayMs?: number;
}

/** A running stub: the requests it saw. */
export interface RunningPrometheusStub extends RunningServer {
  /** Every request: method, path and parameters (query string or form body). */
  readonly requests: {
    readonly method: string;
    readonly path: string;
    readonly params: URLSearchParams;
    readonly authorization: string | undefined;
  }[];
}

async function params(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  if (req.method !== 'POST') return url.searchParams;
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A Prometheus HTTP API stand-in for faults the real server will not produce on demand
 * (5xx, 429 with Retry-After, proxy HTML, malformed JSON, slowness, recorded answers):
 * `answer(request)` picks the reply for each request to `/api/v1/*`.
 */
export async function startPrometheusStub(
  answer: (path: string, params: URLSearchParams, n: number) => StubAnswer,
): Promise<RunningPrometheusStub> {
  const requests: { method: string; path: string; params: URLSearchParams; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void params(req, url).then(async (p) => {
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        params: p,
        authorization: req.headers.authorization,
      });
      const a = answer(url.pathname, p, requests.length);
      if (a.delayMs !== undefined) await new Promise((r) => setTimeout(r, a.delayMs));
      if (res.destroyed) return;
      const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      res.writeHead(a.status ?? 200, {
        'content-type': typeof a.body === 'string' ? 'text/plain' : 'application/json',
        ...a.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
