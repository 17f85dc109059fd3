import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDiscordAdapter } from '@stats/adapter-discord';
import { createBot, defineCommand, document } from '@stats/core';
import {
  startDiscordStandIn,
  startMatrixHomeserver,
  startTelegramBotApi,
  type DiscordStandIn,
} from '@stats/test-utils';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';
import { summarize } from '../harness.js';
import { startExample, type RunningExample } from '../lib/example-process.js';

const ping = defineCommand({ name: 'ping', summary: 'pong', rateLimit: false, run: () => document().text('pong') });

/** `n` `/ping` interactions one after another, each from its own user; ms from dispatch to the reply stored. */
async function interactions(discord: DiscordStandIn, n: number, offset: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    await discord.slash('ping', {}, { user: `user${offset + i}` }).response();
    samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * A bot may make 50 REST requests a second (Discord's global limit, which discord.js enforces
 * before sending: after the 50th request in a second it waits for the next second). Interaction
 * callbacks are exempt; channel messages are not. The prefix messages are therefore paced at 40 a
 * second, below the limit: unpaced, every 50th reply waited up to a second for discord.js's
 * window, which is the platform's limit and no latency of ours (the earlier p99 of 960 ms).
 */
const MESSAGE_SPACING_MS = 25;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `n` `!ping` messages one after another in a guild channel, one per 25 ms at most; ms from dispatch to the reply stored. */
async function messages(discord: DiscordStandIn, n: number, offset: number): Promise<number[]> {
  const samples: number[] = [];
  const first = performance.now();
  for (let i = 0; i < n; i += 1) {
    const due = first + i * MESSAGE_SPACING_MS;
    if (performance.now() < due) await sleep(due - performance.now());
    const started = performance.now();
    const message = discord.say('!ping', { user: `writer${offset + i}` });
    await discord.replyTo(message.id);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function latency(context: BenchContext | undefined): Promise<BenchRow[]> {
  const n = context?.quick === true ? 100 : 1_000;
  const discord = await startDiscordStandIn();
  const adapter = createDiscordAdapter({
    token: discord.token,
    applicationId: discord.applicationId,
    apiUrl: discord.url,
    messageContent: true,
  });
  const bot = createBot({ adapters: [adapter], commands: [ping], http: false, rateLimit: false });
  await bot.start();
  try {
    await interactions(discord, Math.min(50, n), 1_000_000); // warm-up, not counted
    const slash = summarize(await interactions(discord, n, 0));
    context?.progress(`${n} interactions: p50 ${slash.median.toFixed(2)} ms, p99 ${slash.p99.toFixed(2)} ms`);
    await messages(discord, Math.min(50, n), 1_000_000);
    const prefix = summarize(await messages(discord, n, 0));
    context?.progress(`${n} prefix messages: p50 ${prefix.median.toFixed(2)} ms, p99 ${prefix.p99.toFixed(2)} ms`);
    const common =
      'stand-in and bot share one Node process on loopback; discord.js 14 (REST through global fetch, JSON gateway frames, no zlib-sync)';
    const howSlash = `${n} \`/ping\` interactions one after another, each from a new user in a guild channel; from INTERACTION_CREATE sent on the gateway stand-in to the interaction callback (type 4) stored by the REST stand-in: discord.js parsing, adapter, routing, discordRenderer, callback POST; ${common}`;
    const howPrefix = `${n} \`!ping\` messages one after another in a guild channel, at most 40 a second (Discord's global limit of 50 requests a second, which discord.js enforces, would otherwise hold every 50th reply for up to a second); from MESSAGE_CREATE on the gateway to the reply POST /channels/…/messages stored; ${common}`;
    return [
      {
        case: 'e2e discord: interaction → reply',
        metric: 'p50 ms',
        stats: slash.median,
        better: 'lower',
        how: howSlash,
        digits: 2,
      },
      {
        case: 'e2e discord: interaction → reply',
        metric: 'p99 ms',
        stats: slash.p99,
        better: 'lower',
        goal: '≤ 50 ms',
        how: howSlash,
        digits: 2,
      },
      {
        case: 'e2e discord: prefix message → reply',
        metric: 'p50 ms',
        stats: prefix.median,
        better: 'lower',
        how: howPrefix,
        digits: 2,
      },
      {
        case: 'e2e discord: prefix message → reply',
        metric: 'p99 ms',
        stats: prefix.p99,
        better: 'lower',
        goal: '≤ 50 ms',
        how: howPrefix,
        digits: 2,
      },
    ];
  } finally {
    await bot.stop();
    await discord.stop();
  }
}

const MiB = 2 ** 20;

/** Idle RSS of `examples/multi-platform-bot` with Matrix, Telegram and Discord connected, from its own /metrics. */
async function multiPlatformRss(context: BenchContext | undefined): Promise<BenchRow[]> {
  const discordApi = await startDiscordStandIn();
  const telegram = await startTelegramBotApi({ maxPollSeconds: 2 });
  const matrix = await startMatrixHomeserver();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stats-bench-multi-rss-'));
  let example: RunningExample | undefined;
  try {
    example = await startExample('multi-platform-bot', {
      DATA_DIR: dataDir,
      MATRIX_HOMESERVER_URL: matrix.url,
      MATRIX_ACCESS_TOKEN: matrix.bot.token,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      DISCORD_TOKEN: discordApi.token,
      DISCORD_APPLICATION_ID: discordApi.applicationId,
      DISCORD_API_URL: discordApi.url,
      DISCORD_MESSAGE_CONTENT: 'true',
    });
    const alice = telegram.user('Alice', 'alice');
    const bob = matrix.human('bob', 'Bob');
    const room = bob.createRoom({ name: 'bench', invite: [matrix.bot.userId] });
    await matrix.waitFor(
      (event) =>
        event['type'] === 'm.room.member' &&
        event['state_key'] === matrix.bot.userId &&
        (event['content'] as { membership?: string }).membership === 'join',
      { what: 'the bot to join' },
    );
    for (let i = 0; i < 20; i += 1) {
      await discordApi.slash('help', {}, { user: `rss${i}` }).response();
      telegram.privateChat(alice).say(alice, '/help');
      await telegram.waitForSent(alice.id, i + 1, 10_000);
      await matrix.waitForReply(bob.say(room, '!help'), { timeoutMs: 10_000 });
    }
    const rss = await example.idleRss(context?.quick === true ? 1_000 : 5_000);
    context?.progress(`multi-platform bot idle RSS ${(rss / MiB).toFixed(1)} MiB`);
    return [
      {
        case: 'footprint: multi-platform bot idle (Matrix + Telegram + Discord)',
        metric: 'RSS MiB',
        stats: rss / MiB,
        better: 'lower',
        goal: '≤ 80 MiB',
        how: `the example process (\`${example.command}\`, as \`pnpm start:prod\` runs it) connected to the Matrix, Telegram and Discord stand-ins, after 20 help answers on each platform and 5 s idle; \`process_resident_memory_bytes\` from its /metrics`,
        digits: 1,
      },
    ];
  } finally {
    example?.stop();
    await discordApi.stop();
    await telegram.stop();
    await matrix.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The Discord adapter end to end: interaction and prefix latency through real discord.js. */
export const discord: BenchCase = {
  name: 'e2e discord',
  description:
    'The Discord adapter over real sockets: discord.js against the REST + gateway stand-in, interaction → reply and prefix message → reply p50/p99 over 1,000 sequential commands each; and the idle RSS of the multi-platform example with Matrix, Telegram and Discord connected.',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    return [...(await latency(context)), ...(await multiPlatformRss(context))];
  },
};
