import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createBot, createLogger, type Bot } from '@stats/core';
import { createBotRoom, startMatrixHomeserver, type MatrixHomeserver } from '@stats/test-utils';
import { createMatrixAdapter } from '../src/index.js';
import { ping, tempDataDir } from './harness.js';

let hs: MatrixHomeserver;
let data: ReturnType<typeof tempDataDir>;
let bot: Bot | undefined;
const warnings: Error[] = [];
const onWarning = (warning: Error): void => void warnings.push(warning);

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  data = tempDataDir();
  process.on('warning', onWarning);
});

afterEach(async () => {
  process.off('warning', onWarning);
  await bot?.stop();
  bot = undefined;
  await hs.stop();
  data.remove();
});

it('gives up replies waiting on a long 429 at once when stopping: counted, logged once, no listener warning', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = await createLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const adapter = createMatrixAdapter({
    homeserverUrl: hs.url,
    accessToken: hs.bot.token,
    dataDir: data.dir,
    syncTimeoutMs: 2_000,
    // retry_after is honoured up to ten minutes, as a homeserver under load may ask.
    retry: { baseDelayMs: 20, maxDelayMs: 600_000 },
  });
  const alice = hs.human('alice', 'Alice');
  const room = createBotRoom(hs, { owner: alice, name: 'ops' }).roomId;
  bot = createBot({ adapters: [adapter], commands: [ping], http: false, rateLimit: false, logger });
  await bot.start();
  await hs.waitForReply(alice.say(room, '!ping'));

  hs.fail({ path: '/send/', method: 'PUT', status: 429, retryAfterMs: 600_000, times: Number.POSITIVE_INFINITY });
  for (let i = 0; i < 12; i++) alice.say(room, '!ping');
  const retrying = (): number => lines.filter((l) => l['msg'] === 'matrix send failed; retrying').length;
  await vi.waitFor(() => expect(retrying()).toBeGreaterThanOrEqual(12), { timeout: 20_000, interval: 20 });
  await new Promise((resolve) => setImmediate(resolve));
  // Twelve replies wait on one shared signal: Node would warn (a plain line on stderr) past ten listeners.
  expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);

  const sendsBefore = hs.requests.filter((r) => r.path.includes('/send/')).length;
  await bot.stop();
  const running = bot;
  bot = undefined;

  const gaveUp = lines.filter(
    (l) => typeof l['msg'] === 'string' && l['msg'].includes('gave up the sends that were waiting'),
  );
  expect(gaveUp).toHaveLength(1);
  expect(gaveUp[0]?.['abandoned']).toBeGreaterThanOrEqual(12);
  // The stop did not sit out its deadline, and nothing logged an error per reply.
  expect(lines.filter((l) => l['msg'] === 'shutdown deadline reached with commands still running')).toEqual([]);
  expect(lines.filter((l) => Number(l['level']) >= 50)).toEqual([]);
  const dropped = await running.metrics.messagesDropped.get();
  expect(dropped.values.find((v) => v.labels.reason === 'reply_given_up_at_stop')?.value).toBeGreaterThanOrEqual(12);
  // Only the first pong (before the 429s) went out: every later reply was given up, none retried after the stop.
  expect(hs.requests.filter((r) => r.path.includes('/send/') && r.status === 200)).toHaveLength(1);
  expect(hs.requests.filter((r) => r.path.includes('/send/')).length).toBeGreaterThanOrEqual(sendsBefore);
});
