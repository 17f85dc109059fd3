import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBot, createLogger, defineCommand, document, type Bot } from '@stats/core';
import { createBotRoom, logSink, startMatrixHomeserver, type MatrixHomeserver } from '@stats/test-utils';
// Through the adapter's loader, as the adapter itself loads the SDK (no native crypto binary here).
import { LogService, MatrixClient } from '../src/matrix-sdk.js';
import { bridgeSdkLogging, createMatrixAdapter } from '../src/index.js';
import { tempDataDir } from './harness.js';

/** What a reverse proxy in front of a homeserver answers when Synapse is down. */
const PROXY_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

let hs: MatrixHomeserver;
let data: ReturnType<typeof tempDataDir>;
let bot: Bot | undefined;
let lines: string[];

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  data = tempDataDir();
  lines = [];
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await hs.stop();
  data.remove();
});

describe('Matrix adapter: no access token in the log', () => {
  it('logs a proxy’s 502 HTML page on send and typing with its status, never the Authorization header', async () => {
    const alice = hs.human('alice', 'Alice');
    const room = createBotRoom(hs, { owner: alice, name: 'ops' }).roomId;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const work = defineCommand({
      name: 'work',
      summary: 'Slow work',
      run: async () => {
        await gate;
        return document().text('worked');
      },
    });
    const adapter = createMatrixAdapter({
      homeserverUrl: hs.url,
      accessToken: hs.bot.token,
      dataDir: data.dir,
      syncTimeoutMs: 2_000,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    const logger = await createLogger({ level: 'debug', destination: logSink((line) => void lines.push(line)) });
    bot = createBot({ adapters: [adapter], commands: [work], http: false, rateLimit: false, logger });
    await bot.start();
    hs.fail({ path: '/typing/', status: 502, rawBody: PROXY_PAGE, times: 1_000 });
    hs.fail({ path: '/send/', status: 502, rawBody: PROXY_PAGE, times: 1_000 });
    alice.say(room, '!work');
    await hs.waitForRequest((r) => r.path.includes('/typing/') && r.status === 502);
    release();
    // Every attempt of the reply fails; the bot gives up and logs why.
    await vi.waitFor(
      () => expect(lines.some((line) => line.includes('"status":502') && /"level":50/.test(line))).toBe(true),
      { timeout: 20_000 },
    );
    // The timestamp may hold "502" too: match the adapter's own line by its message and status field.
    const typingLine = lines.find(
      (line) => line.includes('"msg":"typing notification failed"') && line.includes('"status":502'),
    );
    expect(typingLine).toContain('"type":"UpstreamError"');
    const text = lines.join('\n');
    expect(text).not.toContain(hs.bot.token);
    expect(text).not.toMatch(/authorization/i);
  });
});

describe('Matrix adapter: the SDK’s own log lines', () => {
  it('pass the bridge with a raw 502 response reduced to its status and URLs scrubbed', async () => {
    const client = new MatrixClient(hs.url, hs.bot.token);
    hs.fail({ path: '/account/whoami', status: 502, rawBody: PROXY_PAGE });
    const raw = await client.doRequest('GET', '/_matrix/client/v3/account/whoami').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(JSON.stringify(Object.keys(raw as object))).toContain('request');
    const logger = await createLogger({ level: 'debug', destination: logSink((line) => void lines.push(line)) });
    bridgeSdkLogging(logger);
    LogService.error('MatrixClientLite', 'Error handling sync (bridge test)', raw);
    LogService.warn('MatrixHttpClient', `(REQ-9) GET ${hs.url}/_matrix/client/v3/sync?access_token=${hs.bot.token}`);
    // LogService is process-wide: an earlier test's client may still log through the bridge.
    const bridged = lines.filter(
      (line) => line.includes('Error handling sync (bridge test)') || line.includes('(REQ-9)'),
    );
    expect(bridged).toHaveLength(2);
    expect(bridged[0]).toContain('"status":502');
    expect(bridged[1]).toContain('access_token=[redacted]');
    for (const line of lines) expect(line).not.toContain(hs.bot.token);
    expect(lines.join('\n')).not.toMatch(/authorization/i);
  });
});
