import { defineCommand } from '@stats/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStack, type TelegramStack } from './telegram-harness.js';

/** Lets the hung command end once the test is over. */
let release: () => void = () => {};
let started: () => void = () => {};
const commands = [
  defineCommand({
    name: 'hang',
    summary: 'Runs until the test ends, ignoring the stop',
    // Ignores ctx.signal on purpose: a handler that does not cooperate with the stop.
    run: () => {
      started();
      return new Promise<string>((resolve) => (release = () => resolve('late')));
    },
  }),
];

let stack: TelegramStack;
beforeAll(async () => {
  stack = await startTelegramStack({
    commands,
    adapter: { stopTimeoutMs: 50 },
    config: { shutdownTimeoutMs: 50, commandTimeoutMs: 600_000 },
  });
});
afterAll(async () => {
  release();
  await stack.stop();
});

describe('Telegram adapter: stop', () => {
  it('returns at its deadline while a command still runs, and leaves that update unconfirmed', async () => {
    const { api, bot } = stack;
    const erin = api.user('Erin');
    const running = new Promise<void>((resolve) => (started = resolve));
    api.privateChat(erin).say(erin, '/hang');
    await running;
    await bot.stop();
    expect(bot.adapter('telegram')?.isReady()).toBe(false);
    // Not confirmed to Telegram: the next start is handed it again.
    expect(api.pendingUpdates()).toBe(1);
    expect(api.sentTo(erin.id)).toHaveLength(0);
  });
});
