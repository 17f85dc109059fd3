import type { Logger } from 'pino';
import { logRedisErrors } from '../../schedule/redis-error-log.js';
import { CLAIMS_CLIENT_OPTIONS, createRedisClaims } from '../../schedule/redis-stores.js';
import type { Claims } from '../../schedule/types.js';

/** Options of {@link openRedisClaims}. */
export interface OpenRedisClaimsOptions {
  /** Key prefix (default `stats:`). */
  readonly prefix?: string;
  readonly owner?: string;
  readonly logger?: Logger;
  /**
   * How long a claim waits for the connection when it is not ready (first connect, a
   * reconnect under way), ms (default 500); then it fails and the bot answers without it.
   */
  readonly readyWaitMs?: number;
}

/** Redis claims on a connection of their own, see {@link openRedisClaims}. */
export interface OpenedRedisClaims extends Claims {
  /** Connects now (otherwise the first claim does). */
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Redis claims on a connection of their own ({@link CLAIMS_CLIENT_OPTIONS}: bounded, no offline
 * queue, errors logged), opened by `open()` or the first claim; ioredis is loaded only then.
 */
export function openRedisClaims(url: string, options: OpenRedisClaimsOptions = {}): OpenedRedisClaims {
  const readyWaitMs = options.readyWaitMs ?? 500;
  /** Since when the connection is lost (a claim waits for a reconnect only early in an outage). */
  let downSince: number | undefined;
  let opened: Promise<{ client: import('ioredis').Redis; claims: Claims }> | undefined;
  const get = (): Promise<{ client: import('ioredis').Redis; claims: Claims }> =>
    (opened ??= import('ioredis').then(({ Redis }) => {
      const client = new Redis(url, CLAIMS_CLIENT_OPTIONS);
      logRedisErrors(client, options.logger, 'claims');
      client.on('close', () => (downSince ??= Date.now()));
      client.on('ready', () => (downSince = undefined));
      const claims = createRedisClaims(client, {
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        ...(options.owner === undefined ? {} : { owner: options.owner }),
      });
      return { client, claims };
    }));
  /** The connection, once ready or after `readyWaitMs` (a command then fails at once). */
  const ready = async (): Promise<Claims> => {
    const { client, claims } = await get();
    if (client.status === 'ready') return claims;
    if (downSince !== undefined && Date.now() - downSince >= readyWaitMs) return claims; // a real outage: fail at once
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, readyWaitMs);
      timer.unref();
      client.on('ready', done);
    });
    return claims;
  };
  return {
    async open() {
      await ready();
    },
    claim: async (key, ttlMs) => (await ready()).claim(key, ttlMs),
    record: async (key, ttlMs) => {
      const claims = await ready();
      return (claims.record ?? claims.claim)(key, ttlMs);
    },
    async close() {
      const current = opened;
      opened = undefined;
      if (current === undefined) return;
      const { client } = await current;
      await client.quit().catch(() => client.disconnect());
    },
  };
}
