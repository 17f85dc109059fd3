import { connect } from 'node:net';
import { defineCommand } from '@stats/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_HEADER, type TelegramAdapter } from '../src/index.js';
import { freePort, startTelegramStack, type TelegramStack } from './telegram-harness.js';

/** Started by `/slow`, released by the test: the command is still running until then. */
let slowStarted: () => void = () => {};
let releaseSlow: () => void = () => {};
const commands = [
  defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' }),
  defineCommand({
    name: 'slow',
    summary: 'Answers once the test lets it',
    run: async () => {
      slowStarted();
      await new Promise<void>((resolve) => (releaseSlow = resolve));
      return 'done';
    },
  }),
];

let stack: TelegramStack;
let hookUrl: string;
beforeAll(async () => {
  const port = await freePort();
  hookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
  stack = await startTelegramStack({
    commands,
    httpPort: port,
    adapter: { webhook: { url: hookUrl, secret: 'good_secret-1' } },
  });
});
afterAll(() => stack.stop());

async function rejected(): Promise<number> {
  const metric = await stack.bot.metrics.webhookRejected.get();
  return metric.values.find((v) => v.labels.source === 'telegram' && v.labels.reason === 'secret')?.value ?? 0;
}

describe('Telegram adapter: webhook mode', () => {
  it('sets the webhook with its secret and answers updates the server POSTs', async () => {
    const { api } = stack;
    expect(api.webhook()).toEqual({ url: hookUrl, secret: 'good_secret-1' });
    const alice = api.user('Alice');
    const update = api.privateChat(alice).say(alice, '/ping');
    const [answer] = await api.waitForSent(alice.id);
    expect(answer?.text).toBe('pong');
    const delivery = await api.waitFor(
      () => api.webhookDeliveries.find((d) => d.updateId === update.update_id),
      'the delivery',
    );
    expect(delivery.status).toBe(200);
    expect(api.calls.some((c) => c.method === 'getUpdates')).toBe(false);
  });

  it('refuses a wrong or missing secret with 401 and counts it', async () => {
    const body = JSON.stringify({
      update_id: 1,
      message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: '/ping' },
    });
    const wrong = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: 'good_secret-2' },
      body,
    });
    const missing = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(await rejected()).toBe(2);
    expect(stack.api.sentTo(1)).toHaveLength(0);
  });

  it('refuses a wrong secret from the headers alone, before the body is sent', async () => {
    const { port } = new URL(hookUrl);
    const before = await rejected();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      // 960 KiB announced, none sent: only a server that answers from the headers replies at all.
      socket.write(
        `POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${960 * 1024}\r\n${SECRET_HEADER}: wrong\r\n\r\n`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(await rejected()).toBe(before + 1);
  });

  it('drops a repeated delivery of an update that is still being handled, and answers it once', async () => {
    const { api, bot } = stack;
    const duplicates = async (): Promise<number> => {
      const metric = await bot.metrics.messagesDropped.get();
      return metric.values.find((v) => v.labels.platform === 'telegram' && v.labels.reason === 'duplicate')?.value ?? 0;
    };
    const before = await duplicates();
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    const dave = api.user('Dave');
    const update = api.privateChat(dave).say(dave, '/slow');
    await started;
    // Telegram gave up waiting for the answer and POSTs the same update again.
    const again = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: 'good_secret-1' },
      body: JSON.stringify(update),
    });
    expect(again.status).toBe(200);
    expect(await duplicates()).toBe(before + 1);
    releaseSlow();
    const [answer] = await api.waitForSent(dave.id);
    await api.waitFor(() => api.webhookDeliveries.find((d) => d.updateId === update.update_id), 'the delivery');
    expect(answer?.text).toBe('done');
    expect(api.sentTo(dave.id)).toHaveLength(1);
  });

  it('answers 503 while stopping, so Telegram delivers the update again later', async () => {
    const adapter = stack.bot.adapter('telegram') as TelegramAdapter | undefined;
    await adapter?.stopReceiving();
    const body = JSON.stringify({
      update_id: 99,
      message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: '/ping' },
    });
    const refused = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: 'good_secret-1' },
      body,
    });
    expect(refused.status).toBe(503);
    expect(stack.api.sentTo(1)).toHaveLength(0);
  });

  it('deletes the webhook when restarted in polling mode, and answers by polling', async () => {
    const { api } = stack;
    await stack.restart({ webhook: undefined });
    expect(api.webhook()).toBeUndefined();
    expect(api.calls.some((c) => c.method === 'deleteWebhook' && c.status === 200)).toBe(true);
    const bob = api.user('Bob');
    api.privateChat(bob).say(bob, '/ping');
    const [answer] = await api.waitForSent(bob.id);
    expect(answer?.text).toBe('pong');
  });
});
