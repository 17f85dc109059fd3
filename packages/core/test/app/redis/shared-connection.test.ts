/**
 * The standard bot opens one Redis client (plus BullMQ's connections), not one per feature
 * (issue 15): connections counted through a TCP proxy of the test's own and named in the real
 * Redis' `CLIENT LIST`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSharedRedis } from '../../../src/app/redis/shared-redis.js';
import { createStandardBot, loadConfig } from '../../../src/app/index.js';
import { createMetrics, type Bot } from '../../../src/index.js';
import { createMemoryAdapter } from '../../../src/testing/index.js';
import { connectRedis, dropPrefix, postFiringAlert, TEST_REDIS_URL, testPrefix } from '@stats/test-utils';

let redis: Redis;
let dataDir: string;
const prefix = testPrefix();
const bullPrefix = `${prefix.replace(/:$/, '')}-bull`;

beforeAll(async () => {
  redis = await connectRedis();
  dataDir = await mkdtemp(join(tmpdir(), 'stats-shared-redis-'));
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await dropPrefix(redis, bullPrefix);
  redis.disconnect();
  await rm(dataDir, { recursive: true, force: true });
});

/** A TCP proxy to the test Redis that counts the connections open through it. */
async function countingProxy(): Promise<{ url: string; open: number; stop(): Promise<void> }> {
  const target = new URL(TEST_REDIS_URL);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname || '127.0.0.1', port: Number(target.port || 6379) });
    sockets.add(client);
    const close = (): void => {
      sockets.delete(client);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    get open() {
      return sockets.size;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The names of the open connections that start with one of `starts`. */
async function connectionNames(...starts: string[]): Promise<string[]> {
  const list = String(await redis.call('CLIENT', 'LIST'));
  return list
    .split('\n')
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => starts.some((start) => name.startsWith(start)))
    .sort();
}

describe('one Redis client for the standard bot', () => {
  it('opens the shared client and one BullMQ connection (and its workers), named after the bot, and closes them on stop', async () => {
    const proxy = await countingProxy();
    const name = `shared-${randomUUID().slice(0, 8)}`;
    const config = loadConfig({
      REDIS_URL: proxy.url,
      REDIS_KEY_PREFIX: prefix,
      TZ: 'UTC',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      // every feature that keeps state in Redis: claims, schedules, alerts, sessions, the login limiter
      SESSION_STORE: 'redis',
      SESSION_SECRET: 'a-secret-of-at-least-thirty-two-characters',
      AUTH_URL: 'http://127.0.0.1:9',
      REPORT_TARGETS: 'memory:reports',
      ALERTMANAGER_WEBHOOK_TOKEN: 'shared-connection-token',
    });
    const adapter = createMemoryAdapter();
    const bot: Bot = await createStandardBot(config, {
      adapters: [adapter],
      name,
      logger: pino({ level: 'silent' }),
      http: { port: 0, host: '127.0.0.1' },
      handleSignals: false,
    });
    await bot.start();
    try {
      const url = bot.http?.url ?? '';
      // each feature uses Redis: a claimed command, a login (the limiter's reservation; the auth
      // service is down), the session count (session store, read by /metrics) and an alert (alert store)
      await adapter.deliver('!ping', { id: 'm1', user: '@a', direct: true });
      await adapter.deliver('!login a@example.org hunter2', { id: 'm2', user: '@a', direct: true });
      expect(await redis.keys(`${prefix}claim:*`)).toHaveLength(2);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^stats_sessions 0$/m);
      const alert = await postFiringAlert(url, 'shared-connection-token', 'Disk');
      expect(alert.status).toBe(200);
      await vi.waitFor(async () => expect((await redis.keys(`${prefix}alert*`)).length).toBeGreaterThan(0), {
        timeout: 10_000,
      });

      // the shared client, BullMQ's connection, and BullMQ's own two per platform (a worker's
      // blocking reads and the queue's event stream, named by BullMQ after its queue)
      const queue = `${bullPrefix}:${Buffer.from('deliveries-memory').toString('base64')}`;
      expect(await connectionNames(name, bullPrefix)).toEqual([name, `${name}:bullmq`, queue, `${queue}:qe`].sort());
      // open at once (a reconnect on a loaded machine would replace one, not add one)
      expect(proxy.open).toBe(4);
    } finally {
      await bot.stop();
    }
    await vi.waitFor(() => expect(proxy.open).toBe(0), { timeout: 5000 });
    expect(await connectionNames(name, bullPrefix)).toEqual([]);
    await proxy.stop();
  }, 30_000);

  it('logs a connection error with the password masked, and counts it', async () => {
    // a port nobody listens on: every connect fails
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const metrics = createMetrics({ processMetrics: false });
    const shared = createSharedRedis(`redis://stats:pa55-w0rd@127.0.0.1:${port}/0`, {
      name: 'masked',
      logger,
      metrics,
    });
    try {
      const client = await shared.client();
      await expect(client.ping()).rejects.toThrow();
      await vi.waitFor(() => expect(lines.some((line) => line.includes('Redis connection error'))).toBe(true));
      const line = lines.find((l) => l.includes('Redis connection error')) ?? '';
      expect(JSON.parse(line)).toMatchObject({ url: `redis://[redacted]@127.0.0.1:${port}/0`, redis: 'shared' });
      expect(lines.join('\n')).not.toContain('pa55-w0rd');
      expect(metrics.redisErrors.value({ connection: 'shared' })).toBeGreaterThan(0);
    } finally {
      await shared.close();
    }
  });
});
