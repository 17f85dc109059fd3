import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createBotRoom,
  startEncryptedHuman,
  startMatrixHomeserver,
  waitForBotJoin,
  type EncryptedHuman,
  type MatrixHomeserver,
  type RunningBot,
} from '@stats/test-utils';
import { startMatrixStatsBot } from './bot-process.js';

let hs: MatrixHomeserver;
let dataDir: string;
let bot: RunningBot | undefined;
let alice: EncryptedHuman | undefined;

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  dataDir = mkdtempSync(join(tmpdir(), 'matrix-stats-bot-e2ee-'));
});

afterEach(async () => {
  if (bot) await bot.terminate('SIGKILL');
  bot = undefined;
  await alice?.stop();
  alice = undefined;
  await hs.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({
  MATRIX_HOMESERVER_URL: hs.url,
  MATRIX_ACCESS_TOKEN: hs.bot.token,
  DATA_DIR: dataDir,
});

/** Starts the example bot and checks that its crypto runs as the token's device. */
async function startWithCrypto(restored: boolean): Promise<RunningBot> {
  return (await startWithCryptoLogged(restored)).running;
}

/** {@link startWithCrypto}, with its start line (`journaled`: how many journal records it replayed). */
async function startWithCryptoLogged(
  restored: boolean,
): Promise<{ running: RunningBot; line: Record<string, unknown> }> {
  const running = await startMatrixStatsBot(env());
  const line = (await running.waitForLog('Matrix end-to-end encryption running')) as Record<string, unknown>;
  expect(line).toMatchObject({ deviceId: 'STATSBOT', restored });
  return { running, line };
}

/** SIGKILL: no drain, no last write; whatever was not on disk is gone. */
async function kill(running: RunningBot): Promise<void> {
  process.kill(running.pid, 'SIGKILL');
  expect((await running.exited).signal).toBe('SIGKILL');
}

/** What `DATA_DIR/matrix-sync.json` holds: the sync token's stream position (the stand-in's `s<pos>`) and the handled ids. */
function syncStateOnDisk(): { position: number; handled: string[] } {
  try {
    const { syncToken, handled } = JSON.parse(readFileSync(join(dataDir, 'matrix-sync.json'), 'utf8')) as {
      syncToken?: unknown;
      handled?: Record<string, number>;
    };
    return {
      position: Number(/^s(\d+)$/.exec(String(syncToken))?.[1] ?? -1),
      handled: Object.keys(handled ?? {}),
    };
  } catch {
    return { position: -1, handled: [] };
  }
}

/** The message index of a Megolm ciphertext (version byte, then protobuf field 1, a varint). */
function megolmIndex(ciphertext: string): number {
  const bytes = Buffer.from(ciphertext, 'base64');
  if (bytes[0] !== 0x03 || bytes[1] !== 0x08) throw new Error('not a Megolm message');
  let index = 0;
  for (let i = 2, shift = 0; ; i += 1, shift += 7) {
    const byte = bytes[i] ?? 0;
    index += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return index;
  }
}

const repliedTo = (content: Record<string, unknown>): unknown =>
  (content['m.relates_to'] as { 'm.in_reply_to'?: { event_id?: unknown } } | undefined)?.['m.in_reply_to']?.event_id;

describe('examples/matrix-stats-bot: end-to-end encryption across a crash', { timeout: 180_000 }, () => {
  it('after SIGKILL right after an encrypted answer, and again right after its sync token moved, decrypts the next messages as the same device, answering each message once', async () => {
    bot = await startWithCrypto(false);
    const human = await startEncryptedHuman(hs, 'alice');
    alice = human;
    const identity = JSON.stringify(hs.state.e2ee.devicesOf(hs.bot.userId)[0]?.keys);
    const asked: string[] = [];
    const say = async (room: string, text: string): Promise<string> => {
      const id = await human.say(room, text);
      asked.push(id);
      return id;
    };

    // 1. Killed the moment its first encrypted answer is stored: it shared the room key by an
    //    Olm message just before, and the answer is not recorded as handled yet.
    const dm = createBotRoom(hs, { owner: human, direct: true }).roomId;
    await waitForBotJoin(hs, dm);
    const running = bot;
    const answered = new Promise<void>((resolve) => {
      const off = hs.state.subscribe((event) => {
        if (event?.room_id !== dm || event.sender !== hs.bot.userId || event.type !== 'm.room.encrypted') return;
        off();
        process.kill(running.pid, 'SIGKILL');
        resolve();
      });
    });
    const first = await say(dm, '!help');
    await answered;
    expect((await running.exited).signal).toBe('SIGKILL');
    bot = await startWithCrypto(true);
    expect(String((await human.waitForReply(first)).content['body'])).toContain('!help');
    const second = await say(dm, '!help');
    expect(String((await human.waitForReply(second)).content['body'])).toContain('!help');

    // 2. A new room key (a new encrypted DM) comes with a command, and the bot is killed as soon
    //    as the answer is recorded as handled and the sync token on disk has moved past the
    //    command: the key must be on disk by then (a journal record), and the Megolm step of the
    //    answer (written behind it) may not be.
    const dm2 = createBotRoom(hs, { owner: human, direct: true }).roomId;
    await waitForBotJoin(hs, dm2);
    const third = await say(dm2, '!help');
    const position = hs.state.head;
    for (;;) {
      const onDisk = syncStateOnDisk();
      if (onDisk.position >= position && onDisk.handled.includes(third)) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await kill(bot);
    const restarted = await startWithCryptoLogged(true);
    bot = restarted.running;
    // The key came after the run's store file was written: it is in the journal, replayed now.
    expect(Number(restarted.line['journaled'])).toBeGreaterThan(0);
    const fourth = await say(dm2, '!help');
    for (const id of [third, fourth]) expect(String((await human.waitForReply(id)).content['body'])).toContain('!help');

    // Each message answered exactly once (a reply sent again after a restart reuses its
    // transaction id), and everything the bot sent decrypts.
    const botEvents = [...hs.botEvents(dm), ...hs.botEvents(dm2)].filter((e) => e['type'] === 'm.room.encrypted');
    await human.waitFor((e) => e.eventId === botEvents.at(-1)?.['event_id'], { what: 'the last answer decrypted' });
    const fromBot = human.received.filter((e) => e.sender === hs.bot.userId && e.type === 'm.room.message');
    expect(fromBot.every((e) => e.encrypted)).toBe(true);
    expect(fromBot).toHaveLength(botEvents.length);
    for (const id of asked) expect(fromBot.filter((e) => repliedTo(e.content) === id)).toHaveLength(1);
    expect(fromBot).toHaveLength(asked.length);
    // One device throughout, its identity keys never uploaded anew.
    expect(hs.state.e2ee.devicesOf(hs.bot.userId).map((d) => d.deviceId)).toEqual(['STATSBOT']);
    expect(JSON.stringify(hs.state.e2ee.devicesOf(hs.bot.userId)[0]?.keys)).toBe(identity);
    // No Megolm message index used twice, although the crashed runs sent steps they never wrote.
    const steps = botEvents.map((e) => {
      const content = e['content'] as { session_id: string; ciphertext: string };
      return `${content.session_id} ${megolmIndex(content.ciphertext)}`;
    });
    expect(new Set(steps).size).toBe(steps.length);
  });
});
