import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startDiscordStandIn, type DiscordStandIn } from './discord-stand-in.js';

let discord: DiscordStandIn;
beforeAll(async () => {
  discord = await startDiscordStandIn();
});
afterAll(() => discord.stop());

const api = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${discord.url}/v10${path}`, {
    ...init,
    headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json', ...init.headers },
  });

/** Opens a gateway socket and resolves with its close code. */
function closeCodeOf(query: string, firstFrame?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${discord.gatewayUrl}${query}`);
    ws.on('message', () => {
      if (firstFrame !== undefined) ws.send(JSON.stringify(firstFrame));
    });
    ws.on('close', (code) => resolve(code));
    ws.on('error', reject);
  });
}

describe('Discord stand-in', () => {
  it('hands out its own gateway from /gateway/bot with the session start limit discord.js needs', async () => {
    const body = (await (await api('/gateway/bot')).json()) as {
      url: string;
      session_start_limit: { remaining: number };
    };
    expect(body.url).toBe(discord.gatewayUrl);
    expect(body.session_start_limit.remaining).toBeGreaterThan(0);
  });

  it('answers 401 in Discord shape without the bot token', async () => {
    const response = await fetch(`${discord.url}/v10/gateway/bot`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 0, message: '401: Unauthorized' });
  });

  it('answers a scripted 429 with Discord body, Retry-After and X-RateLimit headers', async () => {
    discord.fault({ path: /^\/channels\//, status: 429, retryAfter: 1.5, global: true });
    const response = await api(`/channels/${discord.channel()}/messages`, {
      method: 'POST',
      body: JSON.stringify({ content: 'x' }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1.500');
    expect(response.headers.get('x-ratelimit-global')).toBe('true');
    expect(response.headers.get('x-ratelimit-scope')).toBe('global');
    expect(response.headers.get('x-ratelimit-remaining')).not.toBeNull();
    expect(await response.json()).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: true });
  });

  it('refuses a message over the limits with 50035 and names the field', async () => {
    const response = await api(`/channels/${discord.channel()}/messages`, {
      method: 'POST',
      body: JSON.stringify({ content: 'x'.repeat(2001), embeds: [{ title: 't'.repeat(257) }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: number; errors: Record<string, unknown> };
    expect(body.code).toBe(50035);
    expect(Object.keys(body.errors).sort()).toEqual(['content', 'embeds']);
  });

  it('decodes percent-encoded paths (%40original)', async () => {
    const ws = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json`);
    ws.once('message', () =>
      ws.send(JSON.stringify({ op: 2, d: { token: discord.token, intents: 1, properties: {} } })),
    );
    await discord.connected();
    const interaction = discord.slash('anything');
    await fetch(`${discord.url}/v10/interactions/${interaction.id}/${interaction.record.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 5 }),
    });
    const edit = await fetch(
      `${discord.url}/v10/webhooks/${discord.applicationId}/${interaction.record.token}/messages/%40original`,
      { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'done' }) },
    );
    expect(edit.status).toBe(200);
    expect((await interaction.response()).message?.message.content).toBe('done');
    ws.close();
  });

  it('refuses a compressed gateway and a wrong token with the documented close codes', async () => {
    expect(await closeCodeOf('?v=10&encoding=json&compress=zlib-stream')).toBe(4000);
    expect(await closeCodeOf('?v=10&encoding=json', { op: 2, d: { token: 'wrong', intents: 1, properties: {} } })).toBe(
      4004,
    );
    expect(discord.state.protocolErrors.some((e) => e.includes('compress'))).toBe(true);
  });
});
