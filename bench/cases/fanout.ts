import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { DISCORD_SEND_LIMITS } from '@stats/adapter-discord';
import { MATRIX_SEND_LIMITS } from '@stats/adapter-matrix';
import { TELEGRAM_SEND_LIMITS } from '@stats/adapter-telegram';
import {
  createMemoryDeliveryLog,
  createNotifier,
  minimumFanOutMs,
  textDocument,
  UpstreamError,
  type ChatAdapter,
  type Document,
  type Notifier,
  type ReportTarget,
  type RoomRef,
  type SendLimits,
  type SendOptions,
  type SentMessage,
} from '@stats/core';
import { createQueueNotifier, type QueueNotifier } from '@stats/core/queue';
import { createRedisScheduleStores } from '@stats/core/stores/redis';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';

const PLATFORMS = ['matrix', 'telegram', 'discord'] as const;
/** Each platform's limits as its adapter declares them. */
const LIMITS: Readonly<Record<string, SendLimits>> = {
  matrix: MATRIX_SEND_LIMITS,
  telegram: TELEGRAM_SEND_LIMITS,
  discord: DISCORD_SEND_LIMITS,
};

/** A server-side token bucket: the platform's own enforcement. */
class ServerBucket {
  private tokens: number;
  private at = performance.now();
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {
    this.tokens = capacity;
  }
  /** 0 when a token is there, else ms until one is. */
  wait(): number {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.perSecond) * 1000;
  }
  take(): void {
    this.tokens -= 1;
  }
}

interface Platforms {
  readonly url: string;
  /** Sends accepted per idempotency key (a platform shows a retried key once, like Matrix txnIds). */
  readonly accepted: Map<string, number>;
  rejected: number;
  /** When the last send was accepted (performance.now()). */
  lastAt: number;
  firstAt: number;
  stop(): Promise<void>;
}

/** Three platforms on one HTTP server, each enforcing its published limits with 429 + retry-after. */
async function startPlatforms(): Promise<Platforms> {
  const globals = new Map<string, ServerBucket>();
  const rooms = new Map<string, ServerBucket[]>();
  const state: Platforms = {
    url: '',
    accepted: new Map(),
    rejected: 0,
    lastAt: 0,
    firstAt: 0,
    stop: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const [, , platform = '', room = ''] = (req.url ?? '').split('/').map(decodeURIComponent);
    const key = String(req.headers['idempotency-key'] ?? '');
    req.resume();
    req.on('end', (): void => {
      const limits = LIMITS[platform];
      if (!limits) {
        res.writeHead(404).end();
        return;
      }
      let g = globals.get(platform);
      if (!g && limits.global)
        globals.set(platform, (g = new ServerBucket(limits.global.capacity, limits.global.perSecond)));
      let r = rooms.get(`${platform}/${room}`);
      if (!r)
        rooms.set(`${platform}/${room}`, (r = limits.room(room).map((b) => new ServerBucket(b.capacity, b.perSecond))));
      const buckets = g ? [g, ...r] : r;
      const wait = Math.max(0, ...buckets.map((b) => b.wait()));
      if (wait > 0) {
        state.rejected++;
        res.writeHead(429, { 'retry-after-ms': String(Math.ceil(wait)) }).end();
        return;
      }
      for (const b of buckets) b.take();
      state.accepted.set(key, (state.accepted.get(key) ?? 0) + 1);
      state.lastAt = performance.now();
      state.firstAt ||= state.lastAt;
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"${state.accepted.size}"}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** POSTs with keep-alive (the way an SDK's HTTP client talks to its platform). */
function post(
  agent: Agent,
  url: URL,
  path: string,
  key: string,
): Promise<{ status: number; retryAfterMs: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: 'POST', agent, headers: { 'idempotency-key': key } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfterMs: Number(res.headers['retry-after-ms'] ?? '1000'), body }),
        );
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

/** The smallest adapter that sends over HTTP and surfaces 429 as UpstreamError with retry-after. */
function httpAdapter(platform: string, base: string, agent: Agent): ChatAdapter {
  const url = new URL(base);
  return {
    platform,
    ...(LIMITS[platform] === undefined ? {} : { sendLimits: LIMITS[platform] }),
    capabilities: {
      maxMessageLength: 4000,
      html: false,
      images: false,
      redact: false,
      ephemeral: false,
      directRooms: true,
      edit: false,
    },
    start: async () => undefined,
    stop: async () => undefined,
    isReady: () => true,
    async send(room: RoomRef, _doc: Document, options?: SendOptions): Promise<SentMessage[]> {
      const res = await post(
        agent,
        url,
        `/send/${encodeURIComponent(platform)}/${encodeURIComponent(room.id)}`,
        options?.idempotencyKey ?? '',
      );
      if (res.status === 429)
        throw new UpstreamError(platform, 429, `${platform} 429`, 'rate limited', true, {
          retryAfterMs: res.retryAfterMs,
        });
      if (res.status >= 400)
        throw new UpstreamError(platform, res.status, `${platform} ${res.status}`, 'failed', res.status >= 500);
      return [{ platform, room, id: (JSON.parse(res.body) as { id: string }).id }];
    },
    reply: async () => [],
  };
}

export function targetsFor(count: number): ReportTarget[] {
  // private chats on Telegram (1/s each, 30/s per bot); the group limit would not change the minimum
  return Array.from({ length: count }, (_, i) => {
    const platform = PLATFORMS[i % 3] as string;
    return { platform, roomId: platform === 'matrix' ? `!room${i}:bench` : String(100_000 + i) };
  });
}

/** The token-bucket minimum of sending one message to each target, from full buckets. */
function minimumMs(targets: readonly ReportTarget[]): number {
  return Math.max(
    ...PLATFORMS.map((p) => {
      const limits = LIMITS[p];
      return limits
        ? minimumFanOutMs(
            limits,
            targets.filter((t) => t.platform === p).map((t) => t.roomId),
          )
        : 0;
    }),
  );
}

export async function fanOut(
  replicas: number,
  targets: readonly ReportTarget[],
): Promise<{ ms: number; lost: number; duplicates: number; rejected: number; firstMs: number }> {
  const platforms = await startPlatforms();
  const report = { id: 'bench', period: `p-${Date.now()}`, document: textDocument('Daily report'), targets };
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const cleanups: (() => Promise<void>)[] = [platforms.stop, async () => agent.destroy()];
  try {
    let leader: Notifier;
    if (replicas === 1) {
      leader = createNotifier({
        adapters: PLATFORMS.map((p) => httpAdapter(p, platforms.url, agent)),
        deliveries: createMemoryDeliveryLog(),
      });
    } else {
      const prefix = `stats-bench-${Date.now()}`;
      const notifiers: QueueNotifier[] = [];
      for (let i = 0; i < replicas; i++) {
        const connection = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', {
          maxRetriesPerRequest: null,
        });
        connection.on('error', (error: Error) => console.warn(`bench: Redis error: ${error.message}`));
        const n = await createQueueNotifier({
          connection,
          prefix,
          adapters: PLATFORMS.map((p) => httpAdapter(p, platforms.url, agent)),
          deliveries: createRedisScheduleStores(connection, { prefix: `${prefix}:` }).deliveries,
          owner: `replica-${i}`,
          concurrency: 50,
        });
        await n.start();
        notifiers.push(n);
        cleanups.push(async () => {
          await n.close();
          const keys = await connection.keys(`${prefix}*`);
          if (keys.length > 0) await connection.del(...keys);
          connection.disconnect();
        });
      }
      leader = notifiers[0] as Notifier;
    }
    const started = performance.now();
    const outcomes = await leader.deliver(report);
    const ms = performance.now() - started;
    const lost = targets.length - platforms.accepted.size;
    if (outcomes.some((o) => o.outcome !== 'sent'))
      throw new Error(`fan-out: ${outcomes.filter((o) => o.outcome !== 'sent').length} targets not sent`);
    const duplicates = [...platforms.accepted.values()].reduce((sum, n) => sum + (n - 1), 0);
    return { ms, lost, duplicates, rejected: platforms.rejected, firstMs: platforms.firstAt - started };
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

/** One report fanned out to 1 000 rooms on three platforms under their published limits. */
export const fanout: BenchCase = {
  name: 'fan-out',
  description:
    'One report to 1,000 rooms across Matrix, Telegram and Discord, each platform a local HTTP server enforcing its published limits (429 + retry-after); total time as a ratio to the token-bucket minimum, lost and duplicate deliveries, with 1 replica (in-process notifier) and 3 replicas (BullMQ workers on Redis).',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    const count = context?.quick ? 150 : 1000;
    const targets = targetsFor(count);
    const min = minimumMs(targets);
    const rows: BenchRow[] = [];
    for (const replicas of [1, 3]) {
      context?.progress(`${count} rooms, ${replicas} replica(s), minimum ${(min / 1000).toFixed(1)} s`);
      const r = await fanOut(replicas, targets);
      const label = `fan-out: ${count} rooms, ${replicas} replica${replicas > 1 ? 's' : ''}`;
      rows.push(
        {
          case: label,
          metric: 'time / token-bucket minimum',
          stats: r.ms / min,
          better: 'lower',
          goal: '≤ 1.1',
          digits: 3,
          how: `wall time of deliver() (${(r.ms / 1000).toFixed(2)} s) over the minimum the published limits allow (${(min / 1000).toFixed(2)} s); ${r.rejected} sends answered 429, the first send ${Math.round(r.firstMs)} ms after deliver()`,
        },
        {
          case: label,
          metric: 'lost deliveries',
          stats: r.lost,
          better: 'lower',
          goal: '0',
          how: 'targets the platforms never accepted a send for',
        },
        {
          case: label,
          metric: 'duplicate deliveries',
          stats: r.duplicates,
          better: 'lower',
          goal: '0',
          how: 'sends accepted more than once for one (report, period, target) key',
        },
      );
    }
    context?.note(
      "Fan-out: Telegram (30/s per bot) decides the minimum; Matrix rooms take a burst of 10 each, Discord 50/s. The 3-replica run has three BullMQ workers per platform with their own Redis connections in one process; BullMQ's queue limiter (fixed one-second windows) enforces the per-bot limit across them.",
    );
    return rows;
  },
};
