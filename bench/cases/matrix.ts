import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMatrixAdapter } from '@stats/adapter-matrix';
import { createBot, defineCommand, document } from '@stats/core';
import { startMatrixHomeserver } from '@stats/test-utils';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';
import { summarize } from '../harness.js';
import { matrixRounds } from '../lib/matrix-rounds.js';
import { startExample, type RunningExample } from '../lib/example-process.js';

const MiB = 2 ** 20;

/** Latency through matrix-bot-sdk: the stand-in and the bot in this process, `!ping` → reply. */
async function latency(context: BenchContext | undefined): Promise<BenchRow[]> {
  const n = context?.quick === true ? 100 : 1_000;
  const hs = await startMatrixHomeserver();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stats-bench-matrix-'));
  const ping = defineCommand({ name: 'ping', summary: 'pong', rateLimit: false, run: () => document().text('pong') });
  const adapter = createMatrixAdapter({ homeserverUrl: hs.url, accessToken: hs.bot.token, dataDir });
  const bot = createBot({ adapters: [adapter], commands: [ping], http: false, rateLimit: false });
  try {
    const alice = hs.human('alice', 'Alice');
    const room = alice.createRoom({ name: 'bench', invite: [hs.bot.userId] });
    await bot.start();
    const subject = { label: 'group room', room, ask: async () => alice.say(room, '!ping') };
    const samples = await matrixRounds(hs, [subject], { n, warmup: Math.min(50, n) });
    const s = summarize(samples.get(subject.label) ?? []);
    context?.progress(`${n} commands: p50 ${s.median.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`);
    const how = `${n} \`!ping\` commands one after another (after 50 unmeasured) from a human in a group room; from the command stored in the homeserver stand-in to the bot's reply stored, both taken in the stand-in's append listener (long-poll /sync wake-up, matrix-bot-sdk processing, routing, m.notice PUT); stand-in and bot share one Node process on loopback (\`bench/lib/matrix-rounds.ts\`)`;
    return [
      { case: 'e2e matrix: message → reply', metric: 'p50 ms', stats: s.median, better: 'lower', how, digits: 2 },
      {
        case: 'e2e matrix: message → reply',
        metric: 'p99 ms',
        stats: s.p99,
        better: 'lower',
        goal: '≤ 50 ms',
        how,
        digits: 2,
      },
    ];
  } finally {
    await bot.stop();
    await hs.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Idle RSS of the example bot process (`examples/matrix-stats-bot`), read from its own /metrics. */
async function idleRss(context: BenchContext | undefined): Promise<BenchRow[]> {
  const hs = await startMatrixHomeserver();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stats-bench-matrix-rss-'));
  const alice = hs.human('alice', 'Alice');
  const room = alice.createRoom({ name: 'bench', invite: [hs.bot.userId] });
  let example: RunningExample | undefined;
  try {
    example = await startExample('matrix-stats-bot', {
      MATRIX_HOMESERVER_URL: hs.url,
      MATRIX_ACCESS_TOKEN: hs.bot.token,
      DATA_DIR: dataDir,
    });
    for (let i = 0; i < 20; i += 1) await hs.waitForReply(alice.say(room, '!help'), { timeoutMs: 10_000 });
    const rss = await example.idleRss(context?.quick === true ? 1_000 : 5_000);
    context?.progress(`idle RSS ${(rss / MiB).toFixed(1)} MiB`);
    return [
      {
        case: 'footprint: matrix-stats-bot idle',
        metric: 'RSS MiB',
        stats: rss / MiB,
        better: 'lower',
        how: `the example process (\`${example.command}\`, as \`pnpm start:prod\` runs it) synced with the stand-in, after 20 \`!help\` answers and 5 s idle; \`process_resident_memory_bytes\` from its /metrics`,
        digits: 1,
      },
    ];
  } finally {
    example?.stop();
    await hs.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The Matrix adapter end to end: message → reply latency and the example bot's idle RSS. */
export const matrix: BenchCase = {
  name: 'e2e matrix',
  description:
    'The Matrix adapter over real sockets: matrix-bot-sdk against the homeserver stand-in, message sent → reply stored, p50/p99 over 1,000 sequential commands; and the idle RSS of the example deployment process.',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    return [...(await latency(context)), ...(await idleRss(context))];
  },
};
