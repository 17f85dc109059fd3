import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, defineCommand, document, type Logger } from '@stats/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createBotRoom,
  startEncryptedHuman,
  startMatrixHomeserver,
  waitForBotJoin,
  type EncryptedHuman,
  type MatrixHomeserver,
} from '@stats/test-utils';
import {
  CRYPTO_STORE_FILE,
  ENCRYPTED_ROOM_NOTICE,
  PRIVATE_ANSWER_POINTER,
  UNDECRYPTABLE_NOTICE,
  type MatrixAdapterOptions,
} from '../src/index.js';
import { HELD_EVENTS_FILE } from '../src/crypto/index.js';
import { bodyOf, echo, login, ping, startBot, tempDataDir, where, type RunningBot } from './harness.js';

let hs: MatrixHomeserver;
let data: ReturnType<typeof tempDataDir>;
let running: RunningBot | undefined;
const humans: EncryptedHuman[] = [];

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  data = tempDataDir();
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const human of humans.splice(0)) await human.stop();
  await hs.stop();
  data.remove();
});

async function human(
  localpart: string,
  options: { deviceId?: string; sameUserAs?: string } = {},
): Promise<EncryptedHuman> {
  const h = await startEncryptedHuman(hs, localpart, options);
  humans.push(h);
  return h;
}

let logLines: string[] = [];

async function captureLogger(): Promise<Logger> {
  logLines = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return createLogger({ level: 'info', destination });
}

async function start(
  options: Partial<MatrixAdapterOptions> = {},
  commands = [ping, echo, login, where],
): Promise<RunningBot> {
  running = await startBot(hs, data.dir, commands, { logger: await captureLogger(), ...options });
  // The device keys are uploaded during start().
  expect(hs.state.e2ee.devicesOf(hs.bot.userId).map((d) => d.deviceId)).toContain('STATSBOT');
  return running;
}

async function restart(options: Partial<MatrixAdapterOptions> = {}): Promise<RunningBot> {
  await running?.adapter.stopReceiving();
  await running?.stop();
  running = undefined;
  return start(options);
}

/** An encrypted DM the bot has joined. */
async function encryptedDm(person: EncryptedHuman): Promise<string> {
  const dm = createBotRoom(hs, { owner: person, direct: true }).roomId;
  await waitForBotJoin(hs, dm);
  return dm;
}

const body = (content: Record<string, unknown>): string => String(content['body']);

/** The stream position of the sync token in `DATA_DIR/matrix-sync.json` (the stand-in's `s<pos>`). */
function syncTokenOnDisk(): number {
  try {
    const { syncToken } = JSON.parse(readFileSync(join(data.dir, 'matrix-sync.json'), 'utf8')) as {
      syncToken?: unknown;
    };
    return Number(/^s(\d+)$/.exec(String(syncToken))?.[1] ?? -1);
  } catch {
    return -1;
  }
}

describe('Matrix adapter: end-to-end encryption', () => {
  it('answers !help in an encrypted DM with an encrypted reply the human decrypts', async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    const asked = await alice.say(dm, '!help');
    const reply = await alice.waitForReply(asked);
    expect(reply.encrypted).toBe(true);
    expect(reply.content['msgtype']).toBe('m.notice');
    expect(body(reply.content)).toContain('!ping');
    // Nothing the bot sent into the room is plain text.
    const sent = hs.botEvents(dm).filter((e) => e['type'] !== 'm.room.member');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((e) => e['type'] === 'm.room.encrypted')).toBe(true);
    expect(JSON.stringify(sent)).not.toContain('!ping');
  });

  it('logs in from an encrypted DM, and redacts a !login sent into an encrypted group room', async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    const asked = await alice.say(dm, '!login alice@example.org "correct horse battery"');
    expect(body((await alice.waitForReply(asked)).content)).toContain('logged in');

    const group = createBotRoom(hs, { owner: alice, preset: 'trusted_private_chat' }).roomId;
    const bob = hs.human('bob');
    alice.invite(group, bob.userId);
    bob.join(group);
    await waitForBotJoin(hs, group);
    const leaked = await alice.say(group, '!login alice@example.org group-room-password');
    const refusal = await alice.waitForReply(leaked);
    expect(body(refusal.content)).toMatch(/removed your message/);
    const redaction = await hs.waitFor(
      (e) => e['type'] === 'm.room.redaction' && (e['content'] as { redacts?: string }).redacts === leaked,
      { what: 'redaction' },
    );
    expect(redaction['sender']).toBe(hs.bot.userId);
    expect(hs.events(group).find((e) => e['event_id'] === leaked)?.['content']).toEqual({});
    // The crypto store on disk is encrypted and names only its owner.
    const file = readFileSync(join(data.dir, CRYPTO_STORE_FILE), 'utf8');
    expect(file).not.toContain('group-room-password');
    expect(JSON.parse(file)).toMatchObject({ version: 1, userId: hs.bot.userId, deviceId: 'STATSBOT' });
    expect(logLines.join('\n')).not.toContain('correct horse');
  });

  it('keeps its device and sessions across a restart: a message sent while it was down decrypts', async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    await alice.waitForReply(await alice.say(dm, '!ping'));
    const identity = JSON.stringify(hs.state.e2ee.devicesOf(hs.bot.userId)[0]?.keys);
    await running?.adapter.stopReceiving();
    await running?.stop();
    running = undefined;
    const whileDown = await alice.say(dm, '!echo while-down');
    await start();
    expect(
      logLines.some((line) => line.includes('end-to-end encryption running') && line.includes('"restored":true')),
    ).toBe(true);
    const reply = await alice.waitForReply(whileDown);
    expect(body(reply.content)).toContain('while-down');
    const after = await alice.say(dm, '!echo after-restart');
    expect(body((await alice.waitForReply(after)).content)).toContain('after-restart');
    // Same device, same identity keys: nothing was uploaded anew.
    expect(JSON.stringify(hs.state.e2ee.devicesOf(hs.bot.userId)[0]?.keys)).toBe(identity);
    expect(hs.requests.filter((r) => r.path.includes('/keys/upload') && r.status !== 200)).toEqual([]);
  });

  it('shares the room key again after the homeserver refused its to-device message, and the next answer decrypts', async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    await alice.waitForReply(await alice.say(dm, '!ping'));
    // After a restart the bot's first answer starts a new session and shares its key; nobody
    // else sends to-device messages then (Alice's session is already with the bot).
    await restart();
    hs.fail({ path: '/sendToDevice/', method: 'PUT', status: 400, errcode: 'M_INVALID_PARAM' });
    await alice.say(dm, '!echo refused');
    await hs.waitForRequest((r) => r.path.includes('/sendToDevice/') && r.status === 400);
    const asked = await alice.say(dm, '!echo after-refusal');
    expect(body((await alice.waitForReply(asked)).content)).toContain('after-refusal');
    expect(alice.undecrypted).toBe(0);
  });

  it('shares the next session again when the homeserver refused the rotation after 100 messages, and the next answer decrypts', async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    const sessionOf = (e: Record<string, unknown>): string =>
      String((e['content'] as { session_id?: unknown }).session_id);
    const inFirstSession = (): number => {
      const sealed = hs.botEvents(dm).filter((e) => e['type'] === 'm.room.encrypted');
      return sealed.filter((e) => sessionOf(e) === sessionOf(sealed[0] ?? {})).length;
    };
    for (let i = 0; inFirstSession() < 99; i += 1) await alice.waitForReply(await alice.say(dm, `!echo n${i}`));
    // The 100th answer uses the session up; the key share of the next one (sent after that
    // answer, outside the send) is refused. Alice sends no to-device message in between.
    hs.fail({ path: '/sendToDevice/', method: 'PUT', status: 400, errcode: 'M_INVALID_PARAM' });
    await alice.waitForReply(await alice.say(dm, '!echo hundredth'));
    await hs.waitForRequest((r) => r.path.includes('/sendToDevice/') && r.status === 400);
    const asked = await alice.say(dm, '!echo after-refusal');
    expect(body((await alice.waitForReply(asked, { timeoutMs: 5_000 })).content)).toContain('after-refusal');
    const sessions = new Set(
      hs
        .botEvents(dm)
        .filter((e) => e['type'] === 'm.room.encrypted')
        .map(sessionOf),
    );
    expect(sessions.size).toBe(2);
  });

  it('starts a new Megolm session after the rotation_period_msgs of the room (3), and every answer decrypts', async () => {
    await start();
    const alice = await human('alice');
    const dm = createBotRoom(hs, {
      owner: alice,
      direct: true,
      encrypted: false,
      initialState: [
        {
          type: 'm.room.encryption',
          stateKey: '',
          content: { algorithm: 'm.megolm.v1.aes-sha2', rotation_period_msgs: 3 },
        },
      ],
    }).roomId;
    await waitForBotJoin(hs, dm);
    for (let i = 0; i < 7; i += 1) {
      const asked = await alice.say(dm, `!echo n${i}`);
      expect(body((await alice.waitForReply(asked)).content)).toContain(`n${i}`);
    }
    expect(alice.undecrypted).toBe(0);
    const sessions = hs
      .botEvents(dm)
      .filter((e) => e['type'] === 'm.room.encrypted')
      .map((e) => String((e['content'] as { session_id?: unknown }).session_id));
    expect(sessions).toHaveLength(7);
    // Three answers to a session: the 4th and the 7th each start a new one.
    expect(new Set(sessions.slice(0, 3)).size).toBe(1);
    expect(new Set(sessions.slice(3, 6)).size).toBe(1);
    expect(new Set([sessions[0], sessions[3], sessions[6]]).size).toBe(3);
  });

  it("shares the room key with a second device that joins later and it reads the bot's next answer", async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    await alice.waitForReply(await alice.say(dm, '!ping'));
    const laptop = await human('alice-laptop', { sameUserAs: alice.userId, deviceId: 'LAPTOP' });
    const asked = await alice.say(dm, '!echo for-both-devices');
    const onPhone = await alice.waitForReply(asked);
    const onLaptop = await laptop.waitForReply(asked);
    expect(body(onLaptop.content)).toBe(body(onPhone.content));
    expect(body(onLaptop.content)).toContain('for-both-devices');
  });

  it('starts a new Megolm session after 100 messages, also when a device joined in between, and every answer decrypts', async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    let laptop: EncryptedHuman | undefined;
    for (let i = 0; i < 110; i += 1) {
      // A device joining makes the bot share the current session's key again (it does not restart its count).
      if (i === 30) laptop = await human('alice-laptop', { sameUserAs: alice.userId, deviceId: 'LAPTOP' });
      const asked = await alice.say(dm, `!echo n${i}`);
      expect(body((await alice.waitForReply(asked)).content)).toContain(`n${i}`);
    }
    const sessions = new Map<string, number>();
    for (const event of hs.botEvents(dm).filter((e) => e['type'] === 'm.room.encrypted')) {
      const id = String((event['content'] as { session_id?: unknown }).session_id);
      sessions.set(id, (sessions.get(id) ?? 0) + 1);
    }
    expect(sessions.size).toBe(2);
    expect(Math.max(...sessions.values())).toBe(100);
    // The laptop reads the answers sent under the second session too.
    const last = hs.botEvents(dm).at(-1);
    expect(body((await laptop!.waitFor((e) => e.eventId === last?.['event_id'])).content)).toContain('n109');
  });

  it('waits for a room key that arrives after its message, then answers it', async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    await alice.waitForReply(await alice.say(dm, '!ping'));
    // Alice's next key reaches the bot's device only after the message (as a remote server's late EDU can).
    hs.state.e2ee.holdToDevice(hs.bot.userId, 'STATSBOT');
    await alice.sendEncrypted(dm, 'm.room.message', { msgtype: 'm.text', body: 'rotating' }, { withholdKey: true });
    const asked = await alice.say(dm, '!echo late-key');
    const synced = hs.requests.length;
    // The bot has synced the message (its next /sync went out) without the key.
    await hs.waitForRequest((r) => r.path.includes('/sync') && hs.requests.indexOf(r) > synced + 1);
    hs.state.e2ee.releaseToDevice(hs.bot.userId, 'STATSBOT');
    expect(body((await alice.waitForReply(asked)).content)).toContain('late-key');
    expect(
      alice.received.filter((e) => e.sender === hs.bot.userId && body(e.content) === UNDECRYPTABLE_NOTICE),
    ).toHaveLength(0);
  });

  it('keeps a message waiting for its room key across a restart, and answers it when the key arrives', async () => {
    await start();
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    await alice.waitForReply(await alice.say(dm, '!ping'));
    hs.state.e2ee.holdToDevice(hs.bot.userId, 'STATSBOT');
    await alice.sendEncrypted(dm, 'm.room.message', { msgtype: 'm.text', body: 'rotating' }, { withholdKey: true });
    const asked = await alice.say(dm, '!echo held-over-restart');
    const position = hs.state.head;
    // The bot has synced the message without its key, and the sync token on disk has moved past
    // it: the held events must be on disk by then (the token waits for them).
    while (syncTokenOnDisk() < position) await new Promise((resolve) => setTimeout(resolve, 20));
    const held = readFileSync(join(data.dir, HELD_EVENTS_FILE), 'utf8');
    expect(JSON.parse(held)).toMatchObject({ version: 1, userId: hs.bot.userId, deviceId: 'STATSBOT' });
    expect(held).not.toContain(asked);
    await restart();
    // Both events sent without their key are back in memory ('rotating' never gets one).
    expect(logLines.some((line) => line.includes('end-to-end encryption running') && line.includes('"held":2'))).toBe(
      true,
    );
    hs.state.e2ee.releaseToDevice(hs.bot.userId, 'STATSBOT');
    expect(body((await alice.waitForReply(asked)).content)).toContain('held-over-restart');
  });

  it('logs a message it cannot decrypt, answers it once with a notice and keeps syncing', async () => {
    await start({ roomKeyWaitMs: 300 });
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    const lost = await alice.sendEncrypted(
      dm,
      'm.room.message',
      { msgtype: 'm.text', body: '!ping' },
      { withholdKey: true },
    );
    const notice = await alice.waitFor((e) => e.sender === hs.bot.userId && body(e.content) === UNDECRYPTABLE_NOTICE, {
      what: 'undecryptable notice',
    });
    expect(notice.encrypted).toBe(true);
    const next = await alice.say(dm, '!echo still-syncing');
    expect(body((await alice.waitForReply(next)).content)).toContain('still-syncing');
    expect(
      alice.received.filter((e) => e.sender === hs.bot.userId && body(e.content) === UNDECRYPTABLE_NOTICE),
    ).toHaveLength(1);
    expect(
      alice.received.some(
        (e) =>
          (e.content['m.relates_to'] as { 'm.in_reply_to'?: { event_id?: string } } | undefined)?.['m.in_reply_to']
            ?.event_id === lost,
      ),
    ).toBe(false);
    const logged = logLines.filter((line) => line.includes('could not decrypt a Matrix event'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(lost);
  });

  it('answers after a crash an encrypted command that was being answered (fetched and decrypted again)', async () => {
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
    const first = await startBot(hs, data.dir, [slow], { logger: await captureLogger() });
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    const asked = await alice.say(dm, '!work');
    await hs.waitForTyping((t) => t.typing && t.roomId === dm);
    await first.adapter.stopReceiving(); // the process "crashes": it hears nothing more
    running = await startBot(hs, data.dir, [fast], { logger: await captureLogger() });
    expect(body((await alice.waitForReply(asked)).content)).toContain('worked');
    release();
    await first.stop();
  });

  it('opens the direct room for a private answer encrypted and shares the key with the invitee, who reads it after joining', async () => {
    const status = defineCommand({
      name: 'status',
      summary: 'Your account',
      private: true,
      run: () => document().text('credits: 42'),
    });
    await start({}, [status]);
    const alice = await human('alice');
    const group = alice.createRoom({ invite: [hs.bot.userId], preset: 'trusted_private_chat' });
    const bob = hs.human('bob');
    alice.invite(group, bob.userId);
    bob.join(group);
    await hs.waitFor(
      (e) =>
        e['room_id'] === group &&
        e['state_key'] === hs.bot.userId &&
        (e['content'] as { membership?: string }).membership === 'join',
      { what: 'bot join' },
    );
    const asked = await alice.say(group, '!status');
    expect(body((await alice.waitForReply(asked)).content)).toBe(PRIVATE_ANSWER_POINTER);
    const invite = await hs.waitFor(
      (e) =>
        e['state_key'] === alice.userId &&
        e['sender'] === hs.bot.userId &&
        (e['content'] as { membership?: string }).membership === 'invite',
      {
        what: 'invite to the direct room',
      },
    );
    const dm = String(invite['room_id']);
    expect(hs.state.room(dm).state.get('m.room.encryption\u0000')?.content).toEqual({
      algorithm: 'm.megolm.v1.aes-sha2',
    });
    // The answer went out while Alice was only invited: encrypted, with the key sent to her device.
    const answer = await hs.waitFor(
      (e) => e['room_id'] === dm && e['sender'] === hs.bot.userId && e['type'] === 'm.room.encrypted',
      { what: 'the encrypted answer' },
    );
    expect(hs.state.membership(dm, alice.userId)).toBe('invite');
    expect(hs.botEvents(dm).filter((e) => e['type'] === 'm.room.message')).toEqual([]);
    alice.join(dm);
    const read = await alice.waitFor((e) => e.eventId === answer['event_id'], { what: 'the decrypted answer' });
    expect(read.encrypted).toBe(true);
    expect(body(read.content)).toContain('credits: 42');
  });

  it('sends a chart into an encrypted room as an encrypted attachment (file, not url)', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const chart = defineCommand({
      name: 'chart',
      summary: 'A chart',
      run: () =>
        document().chart(
          { kind: 'line', title: 'Visitors', series: [{ name: 'a', points: [{ x: 'mon', y: 1 }] }] },
          'a ▁',
        ),
    });
    await start(
      { renderChart: async () => ({ png, width: 640, height: 320, alt: 'Visitors', filename: 'visitors.png' }) },
      [chart],
    );
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    await alice.say(dm, '!chart');
    const image = await alice.waitFor((e) => e.content['msgtype'] === 'm.image', { what: 'm.image' });
    expect(image.encrypted).toBe(true);
    expect(image.content['url']).toBeUndefined();
    const file = image.content['file'] as Record<string, unknown>;
    expect(file).toMatchObject({ v: 'v2', url: expect.stringMatching(/^mxc:\/\//) });
    const stored = hs.state.media.get(String(file['url']).split('/').at(-1) ?? '');
    expect(stored?.contentType).toBe('application/octet-stream');
    expect(stored?.bytes.equals(png)).toBe(false);
    expect(Buffer.from(alice.decryptAttachment(file)).equals(png)).toBe(true);
  });
});

describe('Matrix adapter: when encryption cannot start', () => {
  it('runs without it when the store belongs to another device, says why, and posts the plain notice', async () => {
    await start();
    await running?.stop();
    running = undefined;
    // The operator switched to a token of another device but kept DATA_DIR.
    hs.state.e2ee.bindToken(hs.bot.token, 'OTHERDEV');
    running = await startBot(hs, data.dir, [ping], { logger: await captureLogger() });
    expect(
      logLines.some(
        (line) => line.includes('end-to-end encryption is off') && line.includes('belongs to device STATSBOT'),
      ),
    ).toBe(true);
    expect(hs.state.e2ee.devicesOf(hs.bot.userId).map((d) => d.deviceId)).toEqual(['STATSBOT']);
    const alice = await human('alice');
    const dm = await encryptedDm(alice);
    await alice.say(dm, '!ping');
    const notice = await hs.waitFor(
      (e) => e['room_id'] === dm && e['sender'] === hs.bot.userId && e['type'] === 'm.room.message',
      { what: 'plain notice' },
    );
    expect(bodyOf(notice)).toBe(ENCRYPTED_ROOM_NOTICE);
    expect(running.adapter.isReady()).toBe(true);
  });

  it('runs without it when DATA_DIR is read-only, and says why', async () => {
    // Immutable even for root (the tests run as root, where file modes do not stop writes).
    execFileSync('chattr', ['+i', data.dir]);
    try {
      running = await startBot(hs, data.dir, [ping], { logger: await captureLogger() });
      expect(
        logLines.some((line) => line.includes('end-to-end encryption is off') && line.includes('is not writable')),
      ).toBe(true);
      expect(hs.state.e2ee.devicesOf(hs.bot.userId)).toEqual([]);
      const alice = await human('alice');
      const dm = await encryptedDm(alice);
      await alice.say(dm, '!ping');
      const notice = await hs.waitFor(
        (e) => e['room_id'] === dm && e['sender'] === hs.bot.userId && e['type'] === 'm.room.message',
        { what: 'plain notice' },
      );
      expect(bodyOf(notice)).toBe(ENCRYPTED_ROOM_NOTICE);
    } finally {
      execFileSync('chattr', ['-i', data.dir]);
    }
  });

  it('runs without it after the store was lost (the device already has keys), and does not break the device', async () => {
    await start();
    await running?.stop();
    running = undefined;
    const published = JSON.stringify(hs.state.e2ee.devicesOf(hs.bot.userId)[0]?.keys);
    rmSync(join(data.dir, CRYPTO_STORE_FILE));
    running = await startBot(hs, data.dir, [ping], { logger: await captureLogger() });
    expect(
      logLines.some((line) => line.includes('end-to-end encryption is off') && line.includes('the store was lost')),
    ).toBe(true);
    // No second identity was uploaded over the lost one.
    expect(JSON.stringify(hs.state.e2ee.devicesOf(hs.bot.userId)[0]?.keys)).toBe(published);
    const plain = hs.human('bob');
    const room = createBotRoom(hs, { owner: plain }).roomId;
    await waitForBotJoin(hs, room);
    expect(bodyOf(await hs.waitForReply(plain.say(room, '!ping')))).toContain('pong');
  });
});
