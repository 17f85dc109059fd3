import { createConnection, createServer, type Socket } from 'node:net';
import { TEST_REDIS_URL } from './services/index.js';

/** A TCP proxy in front of a real Redis whose connection a test can cut and restore. */
export interface RedisProxy {
  /** `redis://127.0.0.1:<port>`: point the bot's `REDIS_URL` here. */
  readonly url: string;
  /** Drops every open connection and refuses new ones (they are closed as soon as accepted). */
  cut(): void;
  /** Forwards again. */
  restore(): void;
  /** True while cut. */
  readonly isCut: boolean;
  stop(): Promise<void>;
}

/**
 * Starts a TCP proxy on a free loopback port that forwards to the test Redis (or `target`), so a
 * test can take Redis away from a bot and give it back with real sockets, no mocks: `cut()`
 * closes both sides of every connection, as a restarted Redis or a broken network would.
 */
export async function startRedisProxy(target: string = TEST_REDIS_URL): Promise<RedisProxy> {
  const upstream = new URL(target);
  const host = upstream.hostname || '127.0.0.1';
  const port = Number(upstream.port || 6379);
  const pairs = new Set<{ client: Socket; server: Socket }>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const redis = createConnection({ host, port });
    const pair = { client, server: redis };
    pairs.add(pair);
    const close = (): void => {
      pairs.delete(pair);
      client.destroy();
      redis.destroy();
    };
    client.on('error', close);
    redis.on('error', close);
    client.on('close', close);
    redis.on('close', close);
    client.pipe(redis);
    redis.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const listening = typeof address === 'object' && address !== null ? address.port : 0;
  const cutAll = (): void => {
    cut = true;
    for (const pair of [...pairs]) {
      pair.client.destroy();
      pair.server.destroy();
    }
    pairs.clear();
  };
  return {
    url: `redis://127.0.0.1:${listening}`,
    cut: cutAll,
    restore() {
      cut = false;
    },
    get isCut() {
      return cut;
    },
    async stop() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
