import { createServer } from 'node:net';
import { defineCommand } from '@stats/core';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, HttpError } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkRetry } from '../src/network-retry.js';
import { startTelegramStack, type TelegramStack } from './telegram-harness.js';

/** A gate the test opens: the "slow command" runs until then (in production: a 5 s query or a device-flow login). */
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();
let slowStarted = 0;
const closeGate = (): void => {
  gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
};

const commands = [
  defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' }),
  defineCommand({
    name: 'slow',
    summary: 'Takes its time',
    timeoutMs: 60_000,
    run: async () => {
      slowStarted += 1;
      await gate;
      return 'slow done';
    },
  }),
];

let stack: TelegramStack;
beforeAll(async () => {
  stack = await startTelegramStack({ commands, adapter: { busyPollMs: 50 } });
});
afterAll(async () => {
  openGate();
  await stack.stop();
});

describe('Telegram adapter: chats concurrently, each chat in order', () => {
  it("answers user B's /ping while user A's slow command runs, and confirms A's update only once it is handled", async () => {
    const { api } = stack;
    closeGate();
    const alice = api.user('Alice');
    const bob = api.user('Bob');
    api.privateChat(alice).say(alice, '/slow');
    api.privateChat(bob).say(bob, '/ping');
    const [toBob] = await api.waitForSent(bob.id);
    expect(toBob?.text).toBe('pong');
    expect(api.sentTo(alice.id)).toHaveLength(0);
    // Alice's update is still being handled: Telegram has not been told it was.
    expect(api.pendingUpdates()).toBeGreaterThanOrEqual(1);
    openGate();
    const [toAlice] = await api.waitForSent(alice.id);
    expect(toAlice?.text).toBe('slow done');
    await api.waitFor(() => (api.pendingUpdates() === 0 ? true : undefined), 'updates confirmed');
    expect(api.sentTo(bob.id)).toHaveLength(1);
    expect(api.sentTo(alice.id)).toHaveLength(1);
  });

  it('keeps the order of one chat while another chat is answered', async () => {
    const { api } = stack;
    closeGate();
    const carol = api.user('Carol');
    const dan = api.user('Dan');
    const group = api.group('Team');
    group.say(carol, '/slow');
    group.say(dan, '/ping');
    api.privateChat(dan).say(dan, '/ping');
    await api.waitForSent(dan.id);
    expect(api.sentTo(group.chat.id)).toHaveLength(0);
    openGate();
    const answers = await api.waitForSent(group.chat.id, 2);
    expect(answers.map((m) => m.text)).toEqual(['slow done', 'pong']);
  });
});

describe('Telegram adapter: stopping with updates queued behind a slow one', () => {
  it('leaves a queued update unconfirmed for the next start instead of dropping it', async () => {
    const { api } = stack;
    closeGate();
    const erin = api.user('Erin');
    const chat = api.privateChat(erin);
    const started = slowStarted;
    chat.say(erin, '/slow');
    chat.say(erin, '/ping');
    await api.waitFor(() => (slowStarted > started ? true : undefined), 'the slow command runs');
    const stopping = stack.bot.stop();
    openGate();
    await stopping;
    expect(api.sentTo(erin.id).map((m) => m.text)).toEqual(['slow done']);
    await stack.restart();
    const answers = await api.waitForSent(erin.id, 2);
    expect(answers.map((m) => m.text)).toEqual(['slow done', 'pong']);
  });
});

describe('Telegram adapter: network errors are retried for a bounded time', () => {
  it('gives up on a Bot API that cannot be reached instead of retrying for an hour', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const api = new Api('1:unreachable', { apiRoot: `http://127.0.0.1:${port}` });
    api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: true }));
    api.config.use(networkRetry({ budgetMs: 1000, firstPauseMs: 100 }));
    await expect(api.getMe()).rejects.toBeInstanceOf(HttpError);
  });
});
