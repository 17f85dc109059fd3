import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ALERTMANAGER_WEBHOOK_PATH, createAlertRelay } from './index.js';
import { createBot, type Bot } from '../../bot.js';
import type { HttpRoute } from '../../chat/index.js';
import { createMetrics } from '../../metrics/index.js';
import { createNotifier } from '../../schedule/index.js';
import { createMemoryAdapter } from '../../testing/index.js';
import type { HttpLimits } from '../../server/http-limits.js';

const TOKEN = 'alertmanager-token-for-the-limits-test';
const BIG = 960 * 1024;

let bot: Bot | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await bot?.stop();
  bot = undefined;
});

/** A bot with the Alertmanager relay registered, like the standard bot. */
async function startBot(limits?: HttpLimits): Promise<{ url: string; port: number; bot: Bot }> {
  const adapter = createMemoryAdapter({ platform: 'matrix' });
  const metrics = createMetrics();
  const started = createBot({
    adapters: [adapter],
    metrics,
    http: { port: 0, host: '127.0.0.1', ...(limits ? { limits } : {}) },
  });
  bot = started;
  await started.start();
  const http = started.http;
  if (http === undefined) throw new Error('no HTTP server');
  const relay = createAlertRelay({
    adapters: [adapter],
    notifier: createNotifier({ adapters: [adapter] }),
    token: TOKEN,
    defaultTargets: [{ platform: 'matrix', roomId: '!ops:example.org' }],
    metrics,
  });
  relay.register(http);
  return { url: http.url, port: http.port, bot: started };
}

/** A raw connection: everything the server sends, and a promise of the moment it closes. */
interface Raw {
  readonly socket: Socket;
  received(): string;
  readonly closed: Promise<void>;
  /** Resolves when the received text matches. */
  until(pattern: RegExp): Promise<string>;
}

function open(port: number, head?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let text = '';
    const waiters: (() => void)[] = [];
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      for (const wake of waiters.splice(0)) wake();
    });
    // A connection closed at once may be reset; the close is what the tests look at.
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => {
      if (head !== undefined) socket.write(head);
      resolve({
        socket,
        received: () => text,
        closed,
        async until(pattern) {
          while (!pattern.test(text)) {
            const more = new Promise<void>((wake) => waiters.push(wake));
            await Promise.race([
              more,
              closed.then(() => {
                throw new Error(
                  `connection closed before ${String(pattern)}; got ${JSON.stringify(text.slice(0, 200))}`,
                );
              }),
            ]);
          }
          return text;
        },
      });
    });
    socket.once('error', reject);
  });
}

function postHead(path: string, length: number, headers: Readonly<Record<string, string>> = {}): string {
  const lines = [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `Content-Length: ${length}`,
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

describe('the bot HTTP server under hostile clients', () => {
  it('refuses an unauthenticated Alertmanager webhook with 401 before the body is sent, and closes the connection', async () => {
    const { port, bot: running } = await startBot();
    // Headers announcing 960 KiB, and not one byte of the body.
    const raw = await open(port, postHead(ALERTMANAGER_WEBHOOK_PATH, BIG));
    const text = await raw.until(/\r\n\r\n.*unauthorized/s);
    expect(text).toMatch(/^HTTP\/1\.1 401 /);
    expect(text.toLowerCase()).toContain('www-authenticate: bearer');
    await raw.closed;
    const rejected = await running.metrics.webhookRejected.get();
    expect(rejected.values.find((v) => v.labels.source === 'alertmanager')?.value).toBe(1);
  });

  it('refuses an authenticated Alertmanager body over 256 KiB with 413 from its content-length', async () => {
    const { port } = await startBot();
    const raw = await open(port, postHead(ALERTMANAGER_WEBHOOK_PATH, 300 * 1024, { Authorization: `Bearer ${TOKEN}` }));
    expect(await raw.until(/too large/)).toMatch(/^HTTP\/1\.1 413 /);
    await raw.closed;
  });

  it('refuses a chunked body once it grows past the route limit', async () => {
    const { port, bot: running } = await startBot();
    let handled = 0;
    const route: HttpRoute = { maxBodyBytes: 1024, handle: (_req, res) => void ((handled += 1), res.end('ok')) };
    running.http?.route('POST', '/small', route);
    const raw = await open(port, 'POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = 'x'.repeat(800);
    raw.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    raw.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    expect(await raw.until(/too large/)).toMatch(/^HTTP\/1\.1 413 /);
    await raw.closed;
    expect(handled).toBe(0);
  });

  it('closes a request whose body never finishes once the request timeout passes', async () => {
    const { port, bot: running } = await startBot({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    let handled = 0;
    running.http?.route('POST', '/open', (_req, res) => void ((handled += 1), res.end('ok')));
    const raw = await open(port, postHead('/open', 1000));
    raw.socket.write('{"started": ');
    await raw.closed;
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(handled).toBe(0);
  });

  it('closes a connection that never finishes its headers', async () => {
    const { port } = await startBot({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const raw = await open(port, 'POST /webhooks/alertmanager HTTP/1.1\r\nHost: x\r\n');
    await raw.closed;
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes connections beyond the cap at once, while those within it are served', async () => {
    const { port } = await startBot({ maxConnections: 4 });
    const idle = await Promise.all([open(port), open(port), open(port)]);
    const health = await open(port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await health.until(/"status":"ok"/)).toMatch(/^HTTP\/1\.1 200 /);
    // Five open: the fifth is closed without a byte.
    const extra = await open(port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await extra.closed;
    expect(extra.received()).toBe('');
    // The three idle ones were not touched.
    for (const raw of idle) expect(raw.socket.destroyed).toBe(false);
  });

  it('keeps answering /health while 50 unauthenticated clients push big bodies', async () => {
    const { port, url } = await startBot();
    const attackers = await Promise.all(
      Array.from({ length: 50 }, () => open(port, postHead(ALERTMANAGER_WEBHOOK_PATH, BIG))),
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (const raw of attackers) raw.socket.write(chunk);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const texts = await Promise.all(attackers.map(async (raw) => (await raw.closed, raw.received())));
    // Every one was refused (or reset while still sending), none was answered 200.
    expect(texts.every((text) => text === '' || text.startsWith('HTTP/1.1 401 '))).toBe(true);
    expect(texts.filter((text) => text.startsWith('HTTP/1.1 401 ')).length).toBeGreaterThan(0);
  });

  it('answers 404 and 405 without reading a body, and closes the connection', async () => {
    const { port } = await startBot();
    const unknown = await open(port, postHead('/nope', BIG));
    expect(await unknown.until(/not found/)).toMatch(/^HTTP\/1\.1 404 /);
    await unknown.closed;
    const wrongMethod = await open(port, postHead('/health', BIG));
    expect(await wrongMethod.until(/not allowed/)).toMatch(/^HTTP\/1\.1 405 /);
    await wrongMethod.closed;
  });

  it('still hands an authorized body to the Alertmanager handler', async () => {
    const { url } = await startBot();
    const response = await fetch(`${url}${ALERTMANAGER_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"not":"a payload"}',
    });
    expect(response.status).toBe(400);
  });
});
