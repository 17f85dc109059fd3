import { afterEach, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../bot.js';
import { defineCommand } from '../commands/index.js';
import { createMemoryAdapter, type MemoryAdapter } from '../testing/index.js';

const ping = defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' });

let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function startBot(adapter: MemoryAdapter): Promise<string> {
  bot = createBot({ adapters: [adapter], commands: [ping], http: { port: 0, host: '127.0.0.1' } });
  await bot.start();
  const url = bot.http?.url;
  if (url === undefined) throw new Error('no HTTP server');
  return url;
}

describe('the bot HTTP server', () => {
  it('answers /health while running', async () => {
    const url = await startBot(createMemoryAdapter());
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /health/ready with 503 until every adapter is connected', async () => {
    const adapter = createMemoryAdapter();
    const url = await startBot(adapter);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    await adapter.stop();
    const response = await fetch(`${url}/health/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'starting', checks: { memory: false } });
  });

  it('counts a command on /metrics, with process metrics beside it', async () => {
    const adapter = createMemoryAdapter();
    const url = await startBot(adapter);
    await adapter.deliver('!ping');
    await adapter.deliver('!ping');
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('stats_commands_total{command="ping",platform="memory",outcome="ok"} 2');
    expect(text).toMatch(/stats_command_duration_seconds_count\{command="ping",platform="memory"\} 2/);
    expect(text).toMatch(/stats_command_duration_seconds_bucket\{command="ping",platform="memory",le="\+Inf"\} 2/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('serves routes that features add, and 404/405 for the rest', async () => {
    const url = await startBot(createMemoryAdapter());
    bot?.http?.route('POST', '/webhooks/test', (_req, res, body) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`got ${body.length} bytes`);
    });
    const posted = await fetch(`${url}/webhooks/test`, { method: 'POST', body: 'hello' });
    expect(await posted.text()).toBe('got 5 bytes');
    expect((await fetch(`${url}/webhooks/test`)).status).toBe(405);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});
