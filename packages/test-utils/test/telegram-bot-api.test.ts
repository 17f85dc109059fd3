import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramBotApi, type TelegramBotApi } from '../src/index.js';

let api: TelegramBotApi;
beforeEach(async () => {
  api = await startTelegramBotApi({ maxPollSeconds: 5 });
});
afterEach(() => api.stop());

async function call(
  method: string,
  payload: unknown = {},
  token = api.token,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${api.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('Telegram Bot API stand-in', () => {
  it('answers getMe and refuses a wrong token with 401 in the error envelope', async () => {
    expect((await call('getMe')).body).toMatchObject({
      ok: true,
      result: { is_bot: true, username: 'stats_test_bot' },
    });
    const refused = await call('getMe', {}, '1:wrong');
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('holds a long poll until a user writes, then confirms by offset', async () => {
    const alice = api.user('Alice', 'alice');
    const polling = call('getUpdates', { offset: 0, timeout: 5 });
    await api.waitFor(() => (api.isPolling() ? true : undefined), 'the poll to arrive');
    const update = api.privateChat(alice).say(alice, '/stats@stats_test_bot');
    const answer = await polling;
    const result = answer.body['result'] as { update_id: number; message: { entities: unknown[] } }[];
    expect(result.map((u) => u.update_id)).toEqual([update.update_id]);
    expect(result[0]?.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 21 }]);
    expect(api.pendingUpdates()).toBe(1);
    await call('getUpdates', { offset: update.update_id + 1, timeout: 0 });
    expect(api.pendingUpdates()).toBe(0);
  });

  it('answers 429 with retry_after and the Retry-After header', async () => {
    api.fail('sendMessage', { status: 429, retryAfter: 3, times: 1 });
    const alice = api.user('Alice');
    api.privateChat(alice);
    const limited = await call('sendMessage', { chat_id: alice.id, text: 'hi' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    });
    expect((await call('sendMessage', { chat_id: alice.id, text: 'hi' })).status).toBe(200);
  });

  it("refuses HTML Telegram cannot parse with 400 can't parse entities", async () => {
    const alice = api.user('Alice');
    api.privateChat(alice);
    const refused = await call('sendMessage', { chat_id: alice.id, text: '<div>x</div>', parse_mode: 'HTML' });
    expect(refused.status).toBe(400);
    expect(String(refused.body['description'])).toMatch(/^Bad Request: can't parse entities: /);
    expect(api.sent).toHaveLength(0);
  });

  it('refuses to delete a user message in a group where the bot is not admin', async () => {
    const alice = api.user('Alice');
    const group = api.group('Team');
    const update = group.say(alice, '/login alice secret');
    const payload = { chat_id: group.chat.id, message_id: update.message?.message_id };
    expect((await call('deleteMessage', payload)).body).toMatchObject({
      ok: false,
      error_code: 400,
      description: "Bad Request: message can't be deleted",
    });
    group.setBotAdmin(true);
    expect((await call('deleteMessage', payload)).body).toEqual({ ok: true, result: true });
    expect(api.deleted).toEqual([{ chatId: group.chat.id, messageId: update.message?.message_id }]);
  });

  it('reads a multipart photo the way grammY streams it', async () => {
    const alice = api.user('Alice');
    api.privateChat(alice);
    const boundary = 'grammyabc';
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000400000002008060000', 'hex');
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n${alice.id}\r\n`),
      Buffer.from(`--${boundary}\r\ncontent-disposition:form-data;name="photo"\r\n\r\nattach://xyz\r\n`),
      Buffer.from(
        `--${boundary}\r\ncontent-disposition:form-data;name="xyz";filename=chart.png\r\ncontent-type:application/octet-stream\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await fetch(`${api.url}/bot${api.token}/sendPhoto`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    const answer = (await response.json()) as { result: { photo: { width: number; height: number }[] } };
    expect(answer.result.photo[0]).toMatchObject({ width: 64, height: 32 });
    expect(api.sent[0]?.photo?.equals(png)).toBe(true);
  });

  it('POSTs updates to the webhook with the secret header and refuses getUpdates meanwhile', async () => {
    const seen: { secret: string | undefined; body: string }[] = [];
    const hook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ secret: request.headers['x-telegram-bot-api-secret-token'] as string | undefined, body });
        response.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      await call('setWebhook', { url, secret_token: 's3cret' });
      expect((await call('getUpdates', {})).status).toBe(409);
      const alice = api.user('Alice');
      const update = api.privateChat(alice).say(alice, 'hello');
      await api.waitFor(() => (api.webhookDeliveries.length > 0 ? true : undefined), 'a webhook delivery');
      expect(seen).toEqual([{ secret: 's3cret', body: JSON.stringify(update) }]);
      expect(api.webhookDeliveries).toEqual([{ updateId: update.update_id, status: 200 }]);
      expect((await call('getWebhookInfo')).body).toMatchObject({ result: { url, pending_update_count: 0 } });
    } finally {
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });

  it('answers 429 beyond its message rate, like Telegram flood control', async () => {
    const limited = await startTelegramBotApi({ messageRate: { perSecond: 1, burst: 2 } });
    try {
      const alice = limited.user('Alice');
      limited.privateChat(alice);
      const send = async (): Promise<number> =>
        (
          await fetch(`${limited.url}/bot${limited.token}/sendMessage`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ chat_id: alice.id, text: 'x' }),
          })
        ).status;
      expect([await send(), await send(), await send()]).toEqual([200, 200, 429]);
      expect(limited.sent).toHaveLength(2);
    } finally {
      await limited.stop();
    }
  });
});
