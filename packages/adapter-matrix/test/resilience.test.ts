import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBot, defineCommand, document, isStatsError, type StatsError } from '@stats/core';
import { createBotRoom, startMatrixHomeserver, type MatrixHomeserver, type MatrixHuman } from '@stats/test-utils';
import { createMatrixAdapter } from '../src/index.js';
import { bodyOf, ping, repliesTo, startBot, tempDataDir, type RunningBot } from './harness.js';

let hs: MatrixHomeserver;
let data: ReturnType<typeof tempDataDir>;
let running: RunningBot | undefined;
let alice: MatrixHuman;
let room: string;

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  data = tempDataDir();
  alice = hs.human('alice', 'Alice');
  room = createBotRoom(hs, { owner: alice, name: 'ops', members: [hs.human('bob', 'Bob')] }).roomId;
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await hs.stop();
  data.remove();
});

const pongs = (): number => hs.botEvents(room).filter((e) => bodyOf(e).includes('pong')).length;

describe('Matrix adapter: history and restarts', () => {
  it('answers no history on the very first start', async () => {
    hs.state.join(room, hs.bot.userId);
    // a second old: Matrix times are milliseconds, and a message from the very millisecond of the start is ambiguous
    const old = Array.from({ length: 5 }, () => alice.say(room, '!ping', { ts: Date.now() - 1_000 }));
    running = await startBot(hs, data.dir);
    const fresh = alice.say(room, '!ping');
    await hs.waitForReply(fresh);
    for (const id of old) expect(repliesTo(hs, id)).toHaveLength(0);
    expect(pongs()).toBe(1);
  });

  it('after a restart answers what came while it was down, within the window, each once', async () => {
    running = await startBot(hs, data.dir);
    const before = alice.say(room, '!ping');
    await hs.waitForReply(before);
    await running.stop();
    running = undefined;
    const tooOld = alice.say(room, '!ping', { ts: Date.now() - 10 * 60_000 });
    const aMinuteAgo = alice.say(room, '!ping', { ts: Date.now() - 60_000 });
    const whileDown = [aMinuteAgo, ...Array.from({ length: 25 }, () => alice.say(room, '!ping'))];
    running = await startBot(hs, data.dir);
    const after = alice.say(room, '!ping');
    await hs.waitForReply(after);
    for (const id of whileDown) await hs.waitForReply(id);
    expect(repliesTo(hs, tooOld)).toHaveLength(0);
    expect(repliesTo(hs, before)).toHaveLength(1);
    expect(repliesTo(hs, aMinuteAgo)).toHaveLength(1);
    expect(pongs()).toBe(28);
  });

  it('backfills a gap larger than the sync timeline limit', async () => {
    running = await startBot(hs, data.dir, undefined, { timelineLimit: 5 });
    await hs.waitForReply(alice.say(room, '!ping'));
    await running.stop();
    running = undefined;
    const burst = Array.from({ length: 30 }, () => alice.say(room, '!ping'));
    running = await startBot(hs, data.dir, undefined, { timelineLimit: 5 });
    for (const id of burst) await hs.waitForReply(id);
    expect(pongs()).toBe(31);
    expect(hs.requests.some((r) => r.path.includes('/messages'))).toBe(true);
  });

  it('answers commands sent during a homeserver outage once it is back', async () => {
    running = await startBot(hs, data.dir);
    await hs.waitForReply(alice.say(room, '!ping'));
    hs.fail({ path: '/client/v3/sync', status: 502, rawBody: '<html>Bad gateway</html>', times: 3 });
    hs.fail({ path: '/send/', status: 503, times: 2 });
    const during = Array.from({ length: 4 }, () => alice.say(room, '!ping'));
    for (const id of during) expect(bodyOf(await hs.waitForReply(id))).toContain('pong');
    expect(pongs()).toBe(5);
  });
});

describe('Matrix adapter: crashes', () => {
  it('answers after a crash the command that was being answered, and only once', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = defineCommand({
      name: 'work',
      summary: 'Slow work',
      run: async () => {
        await gate;
        return document().text('worked');
      },
    });
    const fast = defineCommand({ name: 'work', summary: 'Fast work', run: () => document().text('worked') });
    const first = await startBot(hs, data.dir, [slow]);
    const asked = alice.say(room, '!work');
    await hs.waitForTyping((t) => t.typing && t.roomId === room);
    await first.adapter.stopReceiving(); // the process "crashes": it hears nothing more
    running = await startBot(hs, data.dir, [fast]);
    expect(bodyOf(await hs.waitForReply(asked))).toContain('worked');
    release(); // the crashed process's reply finally goes out, with the same transaction id
    await hs.waitForRequest(
      (r) =>
        r.method === 'PUT' && r.path.includes('/send/') && hs.requests.filter((q) => q.path === r.path).length === 2,
    );
    await first.stop();
    expect(repliesTo(hs, asked)).toHaveLength(1);
  });
});

describe('Matrix adapter: rate limits and faults', () => {
  it('loses no reply and doubles none under 429 bursts', async () => {
    await hs.stop();
    // 10/s: a bot slowed by a loaded machine still outruns it, so 429s are certain.
    hs = await startMatrixHomeserver({ rateLimit: { burst: 3, perSecond: 10 } });
    alice = hs.human('alice', 'Alice');
    room = createBotRoom(hs, { owner: alice, name: 'ops' }).roomId;
    running = await startBot(hs, data.dir);
    const asked = Array.from({ length: 20 }, () => alice.say(room, '!ping'));
    for (const id of asked) await hs.waitForReply(id);
    for (const id of asked) expect(repliesTo(hs, id)).toHaveLength(1);
    expect(hs.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it('reuses the transaction id when a send was applied but the answer was lost', async () => {
    running = await startBot(hs, data.dir);
    await hs.waitForReply(alice.say(room, '!ping'));
    hs.fail({ path: '/send/', dropAfterApply: true });
    const asked = alice.say(room, '!ping');
    await hs.waitForReply(asked);
    const lost = await hs.waitForRequest((r) => r.method === 'PUT' && r.path.includes('/send/') && r.status === 0);
    const retried = await hs.waitForRequest((r) => r.path === lost.path && r.status === 200);
    await hs.waitForReply(alice.say(room, '!ping'));
    expect(retried.method).toBe('PUT');
    expect(repliesTo(hs, asked)).toHaveLength(1);
    expect(pongs()).toBe(3);
  });

  it('refuses to start with a bad token and names the variable', async () => {
    const adapter = createMatrixAdapter({ homeserverUrl: hs.url, accessToken: 'syt_wrong', dataDir: data.dir });
    const bot = createBot({ adapters: [adapter], http: false });
    const failure = await bot.start().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isStatsError(failure)).toBe(true);
    expect((failure as StatsError).code).toBe('auth');
    expect((failure as StatsError).message).toMatch(/MATRIX_ACCESS_TOKEN/);
    expect((failure as StatsError).message).not.toContain('syt_wrong');
    await bot.stop();
  });

  it('stops with a clear error when the token is revoked while running', async () => {
    let fatal: StatsError | undefined;
    const stopped = new Promise<void>((resolve) => {
      void startBot(hs, data.dir, [ping], {
        onFatal: (error) => {
          fatal = error;
          resolve();
        },
      }).then((bot) => {
        running = bot;
        hs.revoke(hs.bot.token);
        alice.say(room, '!ping');
      });
    });
    await stopped;
    expect(fatal?.code).toBe('auth');
    expect(fatal?.message).toMatch(/M_UNKNOWN_TOKEN/);
    expect(running?.adapter.isReady()).toBe(false);
  });
});
