import { defineCommand, type Bot } from '@stats/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramAdapter } from '../src/index.js';
import { startTelegramStack, type TelegramStack } from './telegram-harness.js';

const commands = [defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' })];
const WINDOW_MS = 60_000;

async function dropped(bot: Bot, reason: string): Promise<number> {
  const metric = await bot.metrics.messagesDropped.get();
  return metric.values.find((v) => v.labels.platform === 'telegram' && v.labels.reason === reason)?.value ?? 0;
}

let stack: TelegramStack;
beforeAll(async () => {
  stack = await startTelegramStack({ commands, adapter: { catchUpWindowMs: WINDOW_MS }, deferStart: true });
});
afterAll(() => stack.stop());

describe('Telegram adapter: each update answered once, across restarts', () => {
  it('answers pending updates younger than the catch-up window on the very first start, and drops older ones', async () => {
    const { api, bot } = stack;
    const early = api.user('Early');
    const ancient = api.user('Ancient');
    // Sent while no instance ever ran: Telegram still holds them, unconfirmed.
    api.privateChat(early).say(early, '/ping', { date: Math.floor(Date.now() / 1000) - 10 });
    api.privateChat(ancient).say(ancient, '/ping', { date: Math.floor((Date.now() - 2 * WINDOW_MS) / 1000) });
    await bot.start();
    const [answer] = await api.waitForSent(early.id);
    await api.waitFor(() => (api.pendingUpdates() === 0 ? true : undefined), 'updates confirmed');
    expect(answer?.text).toBe('pong');
    expect(api.sentTo(early.id)).toHaveLength(1);
    expect(api.sentTo(ancient.id)).toHaveLength(0);
    expect(await dropped(bot, 'too_old')).toBe(1);
    expect(await dropped(bot, 'history')).toBe(0);
  });

  it('after a restart answers what came while down, never twice, and drops what is too old', async () => {
    const { api } = stack;
    const alice = api.user('Alice');
    const bob = api.user('Bob');
    const carol = api.user('Carol');
    const answered = api.privateChat(alice).say(alice, '/ping');
    await api.waitForSent(alice.id);
    const next = await stack.restart({}, () => {
      // The crash came before Telegram heard the offset: it delivers Alice's update again.
      api.redeliver(answered);
      api.privateChat(bob).say(bob, '/ping');
      api.privateChat(carol).say(carol, '/ping', { date: Math.floor((Date.now() - 2 * WINDOW_MS) / 1000) });
    });
    const [toBob] = await api.waitForSent(bob.id);
    await api.waitFor(() => (api.pendingUpdates() === 0 ? true : undefined), 'updates confirmed');
    expect(toBob?.text).toBe('pong');
    expect(api.sentTo(alice.id)).toHaveLength(1);
    expect(api.sentTo(carol.id)).toHaveLength(0);
    expect(await dropped(next, 'duplicate')).toBe(1);
    expect(await dropped(next, 'too_old')).toBe(1); // a new bot: its own metrics
  });

  it('leaves what arrives after stopReceiving to the next start, and answers it then', async () => {
    const { api } = stack;
    const current = await stack.restart();
    const adapter = current.adapter('telegram') as TelegramAdapter | undefined;
    await adapter?.stopReceiving();
    expect(api.isPolling()).toBe(false);
    const dora = api.user('Dora');
    api.privateChat(dora).say(dora, '/ping');
    expect(api.pendingUpdates()).toBe(1);
    expect(api.sentTo(dora.id)).toHaveLength(0);
    await stack.restart();
    const [answer] = await api.waitForSent(dora.id);
    expect(answer?.text).toBe('pong');
  });
});
