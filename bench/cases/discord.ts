import { performance } from 'node:perf_hooks';
import { createDiscordAdapter } from '@stats/adapter-discord';
import { createBot, defineCommand, document } from '@stats/core';
import { startDiscordStandIn, type DiscordStandIn } from '@stats/test-utils';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';
import { summarize } from '../harness.js';

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

/** `n` `!ping` messages one after another in a guild channel; ms from dispatch to the reply stored. */
async function messages(discord: DiscordStandIn, n: number, offset: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
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
  const adapter = createDiscordAdapter({ token: discord.token, applicationId: discord.applicationId, apiUrl: discord.url, messageContent: true });
  const bot = createBot({ adapters: [adapter], commands: [ping], http: false, rateLimit: false });
  await bot.start();
  try {
    await interactions(discord, Math.min(50, n), 1_000_000); // warm-up, not counted
    const slash = summarize(await interactions(discord, n, 0));
    context?.progress(`${n} interactions: p50 ${slash.median.toFixed(2)} ms, p99 ${slash.p99.toFixed(2)} ms`);
    await messages(discord, Math.min(50, n), 1_000_000);
    const prefix = summarize(await messages(discord, n, 0));
    context?.progress(`${n} prefix messages: p50 ${prefix.median.toFixed(2)} ms, p99 ${prefix.p99.toFixed(2)} ms`);
    const common = 'stand-in and bot share one Node process on loopback; discord.js 14 (REST through global fetch, JSON gateway frames, no zlib-sync)';
    const howSlash = `${n} \`/ping\` interactions one after another, each from a new user in a guild channel; from INTERACTION_CREATE sent on the gateway stand-in to the interaction callback (type 4) stored by the REST stand-in: discord.js parsing, adapter, routing, discordRenderer, callback POST; ${common}`;
    const howPrefix = `${n} \`!ping\` messages one after another in a guild channel; from MESSAGE_CREATE on the gateway to the reply POST /channels/…/messages stored; ${common}`;
    return [
      { case: 'e2e discord: interaction → reply', metric: 'p50 ms', stats: slash.median, better: 'lower', how: howSlash, digits: 2 },
      { case: 'e2e discord: interaction → reply', metric: 'p99 ms', stats: slash.p99, better: 'lower', goal: '≤ 50 ms', how: howSlash, digits: 2 },
      { case: 'e2e discord: prefix message → reply', metric: 'p50 ms', stats: prefix.median, better: 'lower', how: howPrefix, digits: 2 },
      { case: 'e2e discord: prefix message → reply', metric: 'p99 ms', stats: prefix.p99, better: 'lower', goal: '≤ 50 ms', how: howPrefix, digits: 2 },
    ];
  } finally {
    await bot.stop();
    await discord.stop();
  }
}

/** The Discord adapter end to end: interaction and prefix latency through real discord.js. */
export const discord: BenchCase = {
  name: 'e2e discord',
  description:
    'The Discord adapter over real sockets: discord.js against the REST + gateway stand-in, interaction → reply and prefix message → reply p50/p99 over 1,000 sequential commands each.',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    return latency(context);
  },
};
