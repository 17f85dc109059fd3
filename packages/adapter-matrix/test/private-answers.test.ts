import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineCommand, document } from '@stats/core';
import {
  createBotRoom,
  startMatrixHomeserver,
  waitForBotJoin,
  type MatrixHomeserver,
  type MatrixHuman,
} from '@stats/test-utils';
import { PRIVATE_ANSWER_POINTER, PRIVATE_ANSWER_REFUSED } from '../src/index.js';
import { bodyOf, login, ping, startBot, tempDataDir, where, type RunningBot } from './harness.js';

const EMAIL = 'alice@example.org';

/** `!status`: an answer for the sender only, with personal data. */
const status = defineCommand({
  name: 'status',
  summary: 'Your account',
  private: true,
  run: () =>
    document()
      .heading('Account status')
      .fields([
        { label: 'E-mail', value: EMAIL },
        { label: 'Credits', value: '42' },
      ]),
});

let hs: MatrixHomeserver;
let data: ReturnType<typeof tempDataDir>;
let running: RunningBot | undefined;
let alice: MatrixHuman;
let shared: string;

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  data = tempDataDir();
  alice = hs.human('alice', 'Alice');
  shared = createBotRoom(hs, { owner: alice, name: 'ops', members: [hs.human('bob', 'Bob')] }).roomId;
  running = await startBot(hs, data.dir, [ping, login, where, status], { encryption: false });
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await hs.stop();
  data.remove();
});

async function ask(roomId: string, text: string): Promise<string> {
  return bodyOf(await hs.waitForReply(alice.say(roomId, text)));
}

const contentOf = (roomId: string, eventId: string): Record<string, unknown> | undefined =>
  hs.events(roomId).find((e) => e['event_id'] === eventId)?.['content'] as Record<string, unknown> | undefined;

describe('Matrix direct rooms: joined plus invited members', () => {
  it('stops treating a direct room as direct once a third person is invited, and refuses and redacts a login there', async () => {
    const dm = createBotRoom(hs, { owner: alice, direct: true }).roomId;
    await waitForBotJoin(hs, dm);
    expect(await ask(dm, '!where')).toContain('direct');
    alice.invite(dm, hs.human('carol').userId);
    expect(await ask(dm, '!where')).toContain('shared');
    const secret = alice.say(dm, `!login ${EMAIL} hunter2`);
    const reply = bodyOf(await hs.waitForReply(secret));
    expect(reply).toMatch(/I removed your message because it contained a password/);
    expect(reply).not.toContain('logged in');
    expect(contentOf(dm, secret)).toEqual({});
  });

  it('treats a room of two joined members that nobody marked as direct as shared', async () => {
    const pair = createBotRoom(hs, { owner: alice }).roomId;
    await waitForBotJoin(hs, pair);
    expect(await ask(pair, '!where')).toContain('shared');
  });
});

describe('Matrix direct rooms: the password message', () => {
  it('redacts a login in a direct room where the bot has the power to, and says so', async () => {
    const dm = createBotRoom(hs, { owner: alice, direct: true }).roomId;
    await waitForBotJoin(hs, dm);
    const secret = alice.say(dm, `!login ${EMAIL} hunter2`);
    const reply = bodyOf(await hs.waitForReply(secret));
    expect(reply).toContain('logged in');
    expect(reply).toContain('I removed your message with the password from this chat.');
    expect(reply).not.toMatch(/delete/i);
    expect(contentOf(dm, secret)).toEqual({});
  });

  it('asks the user to delete it where the homeserver refuses the redaction (M_FORBIDDEN)', async () => {
    const dm = createBotRoom(hs, { owner: alice, direct: true, preset: 'private_chat' }).roomId;
    await waitForBotJoin(hs, dm);
    const secret = alice.say(dm, `!login ${EMAIL} hunter2`);
    const reply = bodyOf(await hs.waitForReply(secret));
    expect(reply).toContain('logged in');
    expect(reply).toContain(
      'Please delete your message with the password yourself: I could not remove it (M_FORBIDDEN).',
    );
    expect(String(contentOf(dm, secret)?.['body'])).toContain('hunter2');
  });
});

describe('Matrix answers for one user', () => {
  it('opens a direct room for a private answer asked in a shared room, records it in m.direct and leaves a pointer', async () => {
    const asked = alice.say(shared, '!status');
    const pointer = await hs.waitForReply(asked);
    expect(bodyOf(pointer)).toBe(PRIVATE_ANSWER_POINTER);
    expect((pointer['content'] as { 'm.mentions'?: unknown })['m.mentions']).toEqual({ user_ids: [alice.userId] });
    const answer = await hs.waitFor(
      (e) => e['sender'] === hs.bot.userId && e['room_id'] !== shared && bodyOf(e).includes(EMAIL),
      { what: 'the private answer' },
    );
    const dm = String(answer['room_id']);
    expect(hs.state.membership(dm, alice.userId)).toBe('invite');
    expect(hs.state.room(dm).state.get(`m.room.member\u0000${alice.userId}`)?.content['is_direct']).toBe(true);
    expect(hs.state.users.get(hs.bot.userId)?.accountData.get('m.direct')?.content).toEqual({ [alice.userId]: [dm] });
    for (const event of hs.events(shared)) expect(JSON.stringify(event['content'])).not.toContain(EMAIL);

    alice.join(dm);
    expect(await ask(dm, '!where')).toContain('direct');
    const again = alice.say(shared, '!status');
    await hs.waitForReply(again);
    await hs.waitFor(
      (e) =>
        e['room_id'] === dm &&
        e['sender'] === hs.bot.userId &&
        e['event_id'] !== answer['event_id'] &&
        bodyOf(e).includes(EMAIL),
      { what: 'the second private answer' },
    );
    expect(hs.requests.filter((r) => r.path.endsWith('/createRoom'))).toHaveLength(1);
    for (const event of hs.events(shared)) expect(JSON.stringify(event['content'])).not.toContain(EMAIL);
  });

  it('answers in an existing direct room and skips an m.direct room that others can read', async () => {
    const dm = createBotRoom(hs, { owner: alice, direct: true }).roomId;
    await waitForBotJoin(hs, dm);
    await hs.waitForRequest((r) => r.method === 'PUT' && r.path.endsWith('/account_data/m.direct'));
    const crowded = createBotRoom(hs, { owner: alice, direct: true }).roomId;
    await waitForBotJoin(hs, crowded);
    alice.invite(crowded, hs.human('dave').userId);
    // The newest m.direct entry comes first; it has a third reader and must be skipped.
    hs.state.setAccountData(hs.bot.userId, 'm.direct', { [alice.userId]: [crowded, dm] });
    expect(bodyOf(await hs.waitForReply(alice.say(shared, '!status')))).toBe(PRIVATE_ANSWER_POINTER);
    await hs.waitFor((e) => e['room_id'] === dm && e['sender'] === hs.bot.userId && bodyOf(e).includes(EMAIL), {
      what: 'the answer in the DM',
    });
    expect(hs.requests.some((r) => r.path.endsWith('/createRoom'))).toBe(false);
    for (const room of [shared, crowded])
      for (const event of hs.events(room)) expect(JSON.stringify(event['content'])).not.toContain(EMAIL);
  });

  it('opens one direct room per user and records all of them when several users ask at once', async () => {
    const users = ['carol', 'dave', 'erin'].map((name) => hs.human(name));
    for (const user of users) {
      alice.invite(shared, user.userId);
      user.join(shared);
    }
    const asked = users.map((user) => user.say(shared, '!status'));
    for (const id of asked) expect(bodyOf(await hs.waitForReply(id))).toBe(PRIVATE_ANSWER_POINTER);
    const recorded = hs.state.users.get(hs.bot.userId)?.accountData.get('m.direct')?.content as Record<
      string,
      string[]
    >;
    expect(Object.keys(recorded).sort()).toEqual(users.map((u) => u.userId).sort());
    for (const user of users) expect(hs.state.membership(recorded[user.userId]?.[0] ?? '', user.userId)).toBe('invite');
  });

  it('keeps the answer back and says why when no direct room can be opened', async () => {
    hs.fail({ path: '/createRoom', status: 403, errcode: 'M_FORBIDDEN' });
    expect(await ask(shared, '!status')).toBe(PRIVATE_ANSWER_REFUSED);
    for (const event of hs.botEvents()) expect(JSON.stringify(event['content'])).not.toContain(EMAIL);
  });

  it('answers a private command in a direct room right there', async () => {
    const dm = createBotRoom(hs, { owner: alice, direct: true }).roomId;
    await waitForBotJoin(hs, dm);
    expect(await ask(dm, '!status')).toContain(EMAIL);
  });
});
