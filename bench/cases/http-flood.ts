import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ALERTMANAGER_WEBHOOK_PATH, createAlertRelay } from '@stats/core/app';
import { createBot, createMetrics, createNotifier, silentLogger } from '@stats/core';
import { createMemoryAdapter } from '@stats/core/testing';
import { summarize, type BenchCase, type BenchContext, type BenchRow } from '../harness.js';

/**
 * The attacker, in a process of its own so its buffers never count in the bot's RSS: opens `n`
 * connections, sends headers announcing `size + 1` bytes without a token, then `size` bytes of
 * body, and never the last byte. Prints one JSON line per connection: ms from open to the first
 * answer byte and to the close, and the status line.
 */
const ATTACKER = `
const net = require('node:net');
const [port, n, size, giveUpMs] = process.argv.slice(1).map(Number);
const body = Buffer.alloc(size, 0x20);
const started = performance.now();
const results = [];
let open = n;
const done = () => { process.stdout.write(JSON.stringify(results) + '\\n'); process.exit(0); };
setTimeout(() => { for (const r of results) if (r.closedMs === undefined) r.closedMs = null; done(); }, giveUpMs).unref();
for (let i = 0; i < n; i++) {
  const r = { answerMs: null, closedMs: undefined, status: '' };
  results.push(r);
  const t = performance.now();
  const s = net.connect(port, '127.0.0.1', () => {
    s.write('POST ${ALERTMANAGER_WEBHOOK_PATH} HTTP/1.1\\r\\nHost: bot\\r\\nContent-Type: application/json\\r\\nContent-Length: ' + (size + 1) + '\\r\\n\\r\\n');
    s.write(body);
  });
  s.on('data', (d) => { if (r.answerMs === null) { r.answerMs = performance.now() - t; r.status = d.toString('latin1').split('\\r\\n')[0]; } });
  s.on('error', () => {});
  s.on('close', () => { r.closedMs = performance.now() - t; if (--open === 0) done(); });
}
`;

interface AttackResult {
  readonly answerMs: number | null;
  readonly closedMs: number | null;
  readonly status: string;
}

function runAttacker(port: number, n: number, size: number, giveUpMs: number): Promise<AttackResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ATTACKER, String(port), String(n), String(size), String(giveUpMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out) as AttackResult[]);
      } catch {
        reject(new Error(`the attacker printed no results: ${out.slice(0, 200)}`));
      }
    });
  });
}

/** `gc()` without `--expose-gc`: the case runs in a process the runner forks. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Issue 13 item 3: unauthenticated, never-finished 960 KiB bodies to the Alertmanager webhook. */
export const httpFlood: BenchCase = {
  name: 'http flood: 100 unauthenticated never-finished 960 KiB webhook bodies',
  description:
    '100 connections from a separate process POST 960 KiB to /webhooks/alertmanager without a token and never send the last byte; the bot (createBot + the Alertmanager relay, default HTTP limits) is measured: RSS growth, when each connection is answered and closed, and /health latency polled every 20 ms throughout.',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    const n = context?.quick ? 20 : 100;
    const size = 960 * 1024;
    const gc = collector();
    const adapter = createMemoryAdapter({ platform: 'matrix', record: false });
    const metrics = createMetrics({ processMetrics: false });
    const bot = createBot({
      adapters: [adapter],
      metrics,
      logger: silentLogger(),
      http: { port: 0, host: '127.0.0.1' },
    });
    await bot.start();
    const http = bot.http;
    if (http === undefined) throw new Error('no HTTP server');
    createAlertRelay({
      adapters: [adapter],
      notifier: createNotifier({ adapters: [adapter] }),
      token: 'bench-token-not-sent-by-the-attacker',
      defaultTargets: [{ platform: 'matrix', roomId: '!ops:bench' }],
      metrics,
    }).register(http);
    try {
      // Control: the same polling for 3 s without a flood, to tell the machine's own jitter
      // (other processes share it) from the flood's effect.
      const quiet: number[] = [];
      for (const end = performance.now() + 3_000; performance.now() < end;) {
        const t = performance.now();
        await (await fetch(`${http.url}/health`)).text();
        quiet.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
      // Warm-up: one unmeasured flood, so JIT code and V8's young generation (which grows to
      // 16 MiB under any allocation burst) are in place before the baseline.
      for (let i = 0; i < 20; i++) await (await fetch(`${http.url}/health`)).text();
      await runAttacker(http.port, n, size, 30_000);
      for (let i = 0; i < 20; i++) await (await fetch(`${http.url}/health`)).text();
      gc();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      let peakUsage = process.memoryUsage();
      const latencies: number[] = [];
      let polling = true;
      const poll = (async (): Promise<void> => {
        while (polling) {
          const t = performance.now();
          await (await fetch(`${http.url}/health`)).text();
          latencies.push(performance.now() - t);
          const usage = process.memoryUsage();
          if (usage.rss > peak) [peak, peakUsage] = [usage.rss, usage];
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const requestTimeoutMs = 10_000;
      const results = await runAttacker(http.port, n, size, 30_000);
      polling = false;
      await poll;
      peak = Math.max(peak, process.memoryUsage().rss);
      const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
      const closed = results.filter((r) => r.closedMs !== null && r.closedMs <= requestTimeoutMs).length;
      const answered401 = results.filter((r) => r.status.startsWith('HTTP/1.1 401')).length;
      const closeTimes = summarize(results.map((r) => r.closedMs ?? Number.POSITIVE_INFINITY));
      const health = summarize(latencies);
      context?.progress(
        `at the peak: heap used ${mib(peakUsage.heapUsed)} MiB, array buffers ${mib(peakUsage.arrayBuffers)} MiB`,
      );
      gc();
      const after = process.memoryUsage().rss;
      context?.progress(
        `RSS ${mib(baseline)} → peak ${mib(peak)} → after gc ${mib(after)} MiB; ${closed}/${n} closed within ${requestTimeoutMs / 1000} s (${answered401} answered 401); /health p99 ${health.p99.toFixed(1)} ms over ${health.n} polls (without a flood: ${summarize(quiet).p99.toFixed(1)} ms)`,
      );
      const how = `${n} connections from a separate process, no token, Content-Length 960 KiB + 1, 960 KiB sent, the last byte never; default limits (request timeout 10 s)`;
      return [
        {
          case: 'http flood',
          metric: 'RSS growth MiB (peak − before)',
          stats: mib(peak - baseline),
          better: 'lower',
          goal: '< 10 MiB',
          how: `${how}; process.memoryUsage().rss every 20 ms, after one unmeasured flood and gc()`,
        },
        {
          case: 'http flood',
          metric: `connections closed within ${requestTimeoutMs / 1000} s (of ${n})`,
          stats: closed,
          better: 'higher',
          goal: `${n}`,
          how,
        },
        {
          case: 'http flood',
          metric: 'answered 401 before the body (of n)',
          stats: answered401,
          better: 'higher',
          how: `${how}; a connection reset while still sending counts as not answered`,
        },
        {
          case: 'http flood',
          metric: 'median ms to close',
          stats: Math.round(closeTimes.median * 10) / 10,
          better: 'lower',
          how,
        },
        {
          case: 'http flood',
          metric: '/health p99 ms',
          stats: Math.round(health.p99 * 10) / 10,
          better: 'lower',
          goal: '< 50 ms',
          how: `${how}; GET /health every 20 ms during the attack`,
        },
        {
          case: 'no flood (control)',
          metric: '/health p99 ms',
          stats: Math.round(summarize(quiet).p99 * 10) / 10,
          better: 'lower',
          how: "GET /health every 20 ms for 3 s before any flood: the machine's own jitter",
        },
        {
          case: 'http flood',
          metric: '/health median ms',
          stats: Math.round(health.median * 10) / 10,
          better: 'lower',
          how,
        },
        {
          case: 'http flood',
          metric: '/health max ms',
          stats: Math.round(Math.max(...latencies) * 10) / 10,
          better: 'lower',
          goal: '< 50 ms',
          how,
        },
      ];
    } finally {
      await bot.stop();
    }
  },
};
