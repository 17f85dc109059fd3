import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from './processes.js';

/**
 * Serves Prometheus text exposition from `render()` at `/metrics` on a free loopback port: a
 * scrape target whose series a test controls (hostile label values, HTTP counters, exporters
 * such as `pg_up` or `redis_up`). `render` gets the number of scrapes so far, so counters can grow.
 */
export async function startMetricsTarget(render: (scrape: number) => string): Promise<RunningServer> {
  let scrapes = 0;
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/metrics') !== true) {
      res.writeHead(404).end();
      return;
    }
    scrapes += 1;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(render(scrapes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
