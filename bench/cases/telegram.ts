import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTelegramAdapter, TELEGRAM_SEND_LIMITS } from '@stats/adapter-telegram';
import { createBot, defineCommand, document, minimumFanOutMs, type Bot, type ChatAdapter } from '@stats/core';
import { startTelegramBotApi, type TelegramBotApi } from '@stats/test-utils';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';
import { summarize } from '../harness.js';

const ping = defineCommand({ name: 'ping', summary: 'pong', rateLimit: false, run: () => document().text('pong') });

interface Running {
  readonly api: TelegramBotApi;
  readonly bot: Bot;
  readonly adapter: ChatAdapter;
  stop(): Promise<void>;
}

async function startBot(api: TelegramBotApi, throttle: boolean): Promise<Running> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stats-bench-telegram-'));
  const adapter = createTelegramAdapter({
    token: api.token,
    apiRoot: api.url,
    dataDir,
    ...(throttle ? {} : { throttle: false as const }),
  });
  const bot = createBot({ adapters: [adapter], commands: [ping], http: false, rateLimit: false });
  await bot.start();
  return {
    api,
    bot,
    adapter,
    async stop() {
      await bot.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `n` `/ping`s one after another, each from its own private chat; ms from the update queued to the reply stored. */
async function roundTrips(api: TelegramBotApi, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const user = api.user(`User ${i}`);
    const chat = api.privateChat(user);
    const started = performance.now();
    chat.say(user, '/ping');
    await api.waitForSent(user.id, 1, 10_000);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function latency(context: BenchContext | undefined): Promise<BenchRow[]> {
  const n = context?.quick === true ? 100 : 1_000;
  const api = await startTelegramBotApi();
  const running = await startBot(api, false);
  try {
    await roundTrips(api, Math.min(50, n)); // warm-up, not counted
    const s = summarize(await roundTrips(api, n));
    context?.progress(`${n} commands: p50 ${s.median.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`);
    const how = `${n} \`/ping\` commands one after another, each from a new private chat; from the update queued in the Bot API stand-in (waking grammY's long poll) to the bot's sendMessage stored: getUpdates, grammY middleware, routing, rendering, sendMessage with auto-retry; throttler off (its 1 s per-chat spacing is not latency); stand-in and bot share one Node process on loopback`;
    return [
      { case: 'e2e telegram: message → reply', metric: 'p50 ms', stats: s.median, better: 'lower', how, digits: 2 },
      {
        case: 'e2e telegram: message → reply',
        metric: 'p99 ms',
        stats: s.p99,
        better: 'lower',
        goal: '≤ 50 ms',
        how,
        digits: 2,
      },
    ];
  } finally {
    await running.stop();
    await api.stop();
  }
}

async function fanOut(context: BenchContext | undefined): Promise<BenchRow[]> {
  const n = context?.quick === true ? 100 : 1_000;
  const api = await startTelegramBotApi({ messageRate: { perSecond: 30, burst: 30 } });
  const running = await startBot(api, true);
  try {
    const ids = Array.from({ length: n }, (_, i) => {
      const user = api.user(`Reader ${i}`);
      api.privateChat(user);
      return String(user.id);
    });
    const report = document()
      .heading('Daily report')
      .fields([
        { label: 'Visitors', value: '1,204' },
        { label: 'Page views', value: '3,981' },
      ])
      .footer('Umami');
    const started = performance.now();
    const results = await Promise.allSettled(
      ids.map((id) => running.adapter.send({ platform: 'telegram', id }, report)),
    );
    const elapsed = performance.now() - started;
    const delivered = new Set(api.sent.map((m) => m.chatId)).size;
    const failed = results.filter((r) => r.status === 'rejected').length;
    const refused = api.calls.filter((c) => c.status === 429).length;
    const minimum = minimumFanOutMs(TELEGRAM_SEND_LIMITS, ids);
    context?.progress(
      `${n} chats in ${(elapsed / 1000).toFixed(1)} s (minimum ${(minimum / 1000).toFixed(1)} s), ${delivered} delivered, ${failed} failed, ${refused} 429s`,
    );
    context?.note(
      `Telegram fan-out: ${delivered}/${n} chats got the report, ${failed} sends failed, the stand-in answered ${refused} times 429 (flood control at 30 msg/s with a burst of 30); the adapter's throttle (the core's rate limiter over TELEGRAM_SEND_LIMITS) spaces the sends, auto-retry resends what the server refused.`,
    );
    const how = `one report sent with adapter.send to ${n} private chats at once through grammY (the adapter's throttle at TELEGRAM_SEND_LIMITS, 30 msg/s, burst 30; auto-retry), against a stand-in that enforces 30 msg/s (burst 30) with 429 + retry_after; ratio of the elapsed time to the limit's minimum (${(minimum / 1000).toFixed(1)} s)`;
    return [
      {
        case: `fan-out telegram: 1 report → ${n} chats`,
        metric: 'elapsed ÷ minimum',
        stats: elapsed / minimum,
        better: 'lower',
        goal: '≤ 1.2',
        how,
        digits: 2,
      },
      {
        case: `fan-out telegram: 1 report → ${n} chats`,
        metric: 'chats reached',
        stats: delivered,
        better: 'higher',
        goal: `${n}`,
        how,
        digits: 0,
      },
    ];
  } finally {
    await running.stop();
    await api.stop();
  }
}

/** The Telegram adapter end to end: latency through grammY and fan-out under flood control. */
export const telegram: BenchCase = {
  name: 'e2e telegram',
  description:
    'The Telegram adapter over real sockets: grammY against the Bot API stand-in, message → reply p50/p99 over 1,000 sequential commands; and one report fanned out to 1,000 chats under 30 messages/s, compared with the limit’s minimum time.',
  async run(context?: BenchContext): Promise<BenchRow[]> {
    return [...(await latency(context)), ...(await fanOut(context))];
  },
};
