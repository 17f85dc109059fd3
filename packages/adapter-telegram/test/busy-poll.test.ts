import { defineCommand } from '@stats/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStack, type TelegramStack } from './telegram-harness.js';

// The busy pause is set to 10 minutes: a poller that sleeps it out after a command answers no
// second command within waitForSent's 10 s guard. One that goes back to its long poll when the
// last update in flight is done answers each one.
let stack: TelegramStack;
beforeAll(async () => {
  stack = await startTelegramStack({
    commands: [defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' })],
    adapter: { busyPollMs: 600_000 },
  });
});
afterAll(async () => {
  await stack.stop();
});

describe('Telegram adapter: polling after a command', () => {
  it('goes back to one long poll when the last update in flight is done, so the next command waits for no busy pause', async () => {
    const { api } = stack;
    const alice = api.user('Alice');
    const chat = api.privateChat(alice);
    for (let i = 1; i <= 3; i += 1) {
      chat.say(alice, '/ping');
      const answers = await api.waitForSent(alice.id, i);
      expect(answers.map((m) => m.text)).toEqual(Array.from({ length: i }, () => 'pong'));
    }
    await api.waitFor(
      () => (api.isPolling() && api.pendingUpdates() === 0 ? true : undefined),
      'a long poll, all confirmed',
    );
    const longPolls = api.calls.filter((c) => c.method === 'getUpdates' && Number(c.payload['timeout']) > 0);
    expect(longPolls.length).toBeGreaterThanOrEqual(3);
  });
});
