import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineCommand, document } from '@stats/core';
import {
  createBotRoom,
  startMatrixHomeserver,
  waitForBotJoin,
  type MatrixHomeserver,
  type MatrixHuman,
} from '@stats/test-utils';
import { ENCRYPTED_ROOM_NOTICE } from '../src/index.js';
import { bodyOf, repliesTo, startBot, tempDataDir, type RunningBot } from './harness.js';

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

async function start(
  ...args: Parameters<typeof startBot> extends [unknown, unknown, ...infer R] ? R : never
): Promise<RunningBot> {
  running = await startBot(hs, data.dir, ...args);
  return running;
}

describe('Matrix adapter: answering', () => {
  it('joins on invite and answers a command with an m.notice reply that mentions the sender', async () => {
    await start();
    await waitForBotJoin(hs, room);
    const asked = alice.say(room, '!ping');
    const reply = await hs.waitForReply(asked);
    expect(reply['content']).toMatchObject({
      msgtype: 'm.notice',
      body: expect.stringContaining('pong'),
      format: 'org.matrix.custom.html',
      formatted_body: expect.stringContaining('pong'),
      'm.mentions': { user_ids: [alice.userId] },
    });
  });

  it('escapes hostile data in formatted_body', async () => {
    await start();
    const asked = alice.say(room, '!echo <script>alert(1)</script><img src=x onerror=alert(2)>');
    const reply = await hs.waitForReply(asked);
    const html = String((reply['content'] as { formatted_body?: string }).formatted_body);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('points an unknown command to help', async () => {
    await start();
    const asked = alice.say(room, '!pnig');
    const reply = await hs.waitForReply(asked);
    expect(bodyOf(reply)).toMatch(/!help/);
  });

  it('answers when addressed by display name or a pill without the prefix', async () => {
    await start();
    const byName = alice.say(room, 'Stats: ping');
    expect(bodyOf(await hs.waitForReply(byName))).toContain('pong');
    const byPill = alice.say(room, 'Stats ping', {
      mentions: [hs.bot.userId],
      formattedBody: `<a href="https://matrix.to/#/${hs.bot.userId}">Stats</a> ping`,
    });
    expect(bodyOf(await hs.waitForReply(byPill))).toContain('pong');
    const chatter = alice.say(room, 'stats are up again, nice');
    await hs.waitForReply(alice.say(room, '!ping'));
    expect(repliesTo(hs, chatter)).toHaveLength(0);
  });

  it('reads past a reply fallback: a quoted command does not run again', async () => {
    await start();
    const first = alice.say(room, '!ping');
    await hs.waitForReply(first);
    const thanks = alice.say(room, 'thanks', { replyTo: first });
    const again = alice.say(room, '!ping', { replyTo: first });
    await hs.waitForReply(again);
    expect(repliesTo(hs, thanks)).toHaveLength(0);
    expect(repliesTo(hs, first)).toHaveLength(1);
  });

  it('ignores its own messages and other bots’ notices', async () => {
    await start();
    hs.state.append(room, hs.bot.userId, 'm.room.message', { msgtype: 'm.text', body: '!ping' });
    const notice = alice.say(room, '!ping', { msgtype: 'm.notice' });
    const barrier = alice.say(room, '!ping');
    await hs.waitForReply(barrier);
    expect(repliesTo(hs, notice)).toHaveLength(0);
    expect(hs.botEvents(room).filter((e) => bodyOf(e).includes('pong'))).toHaveLength(1);
  });

  it('splits a long answer under the event limit, the first part replying', async () => {
    const big = defineCommand({
      name: 'big',
      summary: 'A long table',
      run: () =>
        document().table(
          ['row', 'value'],
          Array.from({ length: 3000 }, (_, i) => [String(i), `value number ${i} with some padding`]),
        ),
    });
    await start([big]);
    const asked = alice.say(room, '!big');
    const first = await hs.waitForReply(asked);
    await hs.waitFor((e) => e['sender'] === hs.bot.userId && bodyOf(e).includes('2999'), { what: 'the last part' });
    const parts = hs.botEvents(room).filter((e) => e['type'] === 'm.room.message');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(JSON.stringify(part['content']))).toBeLessThan(65_536);
    expect(parts[0]?.['event_id']).toBe(first['event_id']);
    // Every part says whom it mentions; a part without m.mentions would fall back to legacy pings.
    expect(parts.map((p) => (p['content'] as { 'm.mentions'?: unknown })['m.mentions'])).toEqual([
      { user_ids: [alice.userId] },
      ...parts.slice(1).map(() => ({})),
    ]);
  });

  it('resends as smaller plain pieces when the homeserver answers 413 M_TOO_LARGE', async () => {
    await hs.stop();
    hs = await startMatrixHomeserver({ maxEventBytes: 12_000 });
    alice = hs.human('alice', 'Alice');
    room = createBotRoom(hs, { owner: alice, name: 'ops' }).roomId;
    const long = defineCommand({
      name: 'long',
      summary: 'A long list',
      run: () => document().list(Array.from({ length: 600 }, (_, i) => `item ${i} with a little padding`)),
    });
    await start([long]);
    const asked = alice.say(room, '!long');
    const first = await hs.waitForReply(asked);
    await hs.waitFor((e) => e['sender'] === hs.bot.userId && bodyOf(e).includes('item 599'), {
      what: 'the last piece',
    });
    expect(hs.requests.some((r) => r.status === 413)).toBe(true);
    expect((first['content'] as { 'm.mentions'?: unknown })['m.mentions']).toEqual({ user_ids: [alice.userId] });
    const pieces = hs.botEvents(room).filter((e) => e['type'] === 'm.room.message');
    expect(pieces.map(bodyOf).join('\n')).toContain('item 0 with');
  });

  it('shows typing while a slow command runs and clears it after', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = defineCommand({
      name: 'slow',
      summary: 'Waits',
      run: async () => {
        await gate;
        return document().text('done');
      },
    });
    await start([slow], {});
    const asked = alice.say(room, '!slow');
    await hs.waitForTyping((t) => t.typing && t.roomId === room);
    release();
    await hs.waitForReply(asked);
    await hs.waitForTyping((t) => !t.typing && t.roomId === room);
    expect(hs.state.typing.map((t) => t.typing)).toEqual([true, false]);
  });

  it('sends a chart as an uploaded m.image with info', async () => {
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
    await start([chart], {
      renderChart: async () => ({ png, width: 640, height: 320, alt: 'Visitors', filename: 'visitors.png' }),
    });
    alice.say(room, '!chart');
    const image = await hs.waitFor((e) => (e['content'] as { msgtype?: string }).msgtype === 'm.image', {
      what: 'm.image',
    });
    const content = image['content'] as { url: string; info: Record<string, unknown> };
    expect(content.info).toEqual({ mimetype: 'image/png', size: png.byteLength, w: 640, h: 320 });
    const stored = hs.state.media.get(content.url.split('/').at(-1) ?? '');
    expect(stored?.bytes.equals(png)).toBe(true);
    expect(stored?.contentType).toBe('image/png');
  });
});

describe('Matrix adapter: sending without a command', () => {
  it('sends a document into a room and edits it in place (m.replace)', async () => {
    const { adapter } = await start();
    await waitForBotJoin(hs, room);
    const [sent] = await adapter.send({ platform: 'matrix', id: room }, document().heading('Alert').text('FIRING'));
    expect(sent).toBeDefined();
    if (!sent) return;
    await adapter.edit?.(sent, document().heading('Alert').text('RESOLVED <b>ok</b>'));
    const edit = await hs.waitFor(
      (e) => (e['content'] as { 'm.relates_to'?: { rel_type?: string } })['m.relates_to']?.rel_type === 'm.replace',
      { what: 'edit' },
    );
    const content = edit['content'] as {
      'm.relates_to': { event_id: string };
      'm.new_content': { body: string; formatted_body: string };
      body: string;
    };
    expect(content['m.relates_to'].event_id).toBe(sent.id);
    expect(content['m.new_content'].body).toContain('RESOLVED');
    expect(content['m.new_content'].formatted_body).toContain('&lt;b&gt;ok&lt;/b&gt;');
    expect(content.body.startsWith('* ')).toBe(true);
  });
});

describe('Matrix adapter: rooms', () => {
  it('treats an is_direct invite as direct, an unmarked two-member room and a group room as shared', async () => {
    await start();
    const dm = createBotRoom(hs, { owner: alice, direct: true }).roomId;
    const pair = createBotRoom(hs, { owner: alice }).roomId;
    const inDm = alice.say(room, '!where');
    expect(bodyOf(await hs.waitForReply(inDm))).toContain('shared');
    await waitForBotJoin(hs, dm);
    await waitForBotJoin(hs, pair);
    expect(bodyOf(await hs.waitForReply(alice.say(dm, '!where')))).toContain('direct');
    expect(bodyOf(await hs.waitForReply(alice.say(pair, '!where')))).toContain('shared');
  });

  it('treats a two-member room listed in the bot’s m.direct account data as direct, until a third member joins', async () => {
    await start();
    const carol = hs.human('carol');
    const listed = createBotRoom(hs, { owner: alice }).roomId;
    await waitForBotJoin(hs, listed);
    expect(bodyOf(await hs.waitForReply(alice.say(listed, '!where')))).toContain('shared');
    hs.state.setAccountData(hs.bot.userId, 'm.direct', { [alice.userId]: [listed] });
    await hs.waitForRequest((r) => r.method === 'GET' && r.path.endsWith('/account_data/m.direct') && r.status === 200);
    expect(bodyOf(await hs.waitForReply(alice.say(listed, '!where')))).toContain('direct');
    alice.invite(listed, carol.userId);
    carol.join(listed);
    expect(bodyOf(await hs.waitForReply(alice.say(listed, '!where')))).toContain('shared');
  });

  it('redacts a login seen in a group room when it has the power to, and says so', async () => {
    await start();
    hs.state.setPowerLevel(room, hs.bot.userId, 50);
    const secret = alice.say(room, '!login alice@example.org hunter2');
    const reply = await hs.waitForReply(secret);
    expect(bodyOf(reply)).toMatch(/removed your message/);
    expect(hs.events(room).find((e) => e['event_id'] === secret)?.['content']).toEqual({});
  });

  it('warns to change the password when the homeserver refuses the redaction (M_FORBIDDEN)', async () => {
    await start();
    const secret = alice.say(room, '!login alice@example.org hunter2');
    const reply = await hs.waitForReply(secret);
    expect(bodyOf(reply)).toMatch(/could not remove your message \(M_FORBIDDEN\)/);
    expect(bodyOf(reply)).toMatch(/Change your password/);
    expect(bodyOf(reply)).not.toContain('hunter2');
    expect(bodyOf(hs.events(room).find((e) => e['event_id'] === secret) ?? { content: {} })).toContain('hunter2');
  });

  it('tells an encrypted room once that it cannot read it (encryption off)', async () => {
    await start(undefined, { encryption: false });
    const secure = createBotRoom(hs, { owner: alice, encrypted: true }).roomId;
    await waitForBotJoin(hs, secure);
    alice.say(secure, '!ping');
    alice.say(secure, '!stats');
    await hs.waitFor(
      (e) => e['room_id'] === secure && e['sender'] === hs.bot.userId && bodyOf(e) === ENCRYPTED_ROOM_NOTICE,
      { what: 'encryption notice' },
    );
    const barrier = alice.say(room, '!ping');
    await hs.waitForReply(barrier);
    alice.say(secure, '!today');
    await hs.waitForReply(alice.say(room, '!ping'));
    expect(hs.botEvents(secure).filter((e) => e['type'] === 'm.room.message')).toHaveLength(1);
  });

  it('joins invites from allowed inviters only', async () => {
    await start(undefined, { allowedInviters: ['stats.test'] });
    const eve = hs.human('eve', 'Eve', 'evil.example');
    const fromFriend = createBotRoom(hs, { owner: alice }).roomId;
    const fromStranger = createBotRoom(hs, { owner: eve }).roomId;
    await waitForBotJoin(hs, fromFriend);
    await waitForBotJoin(hs, fromStranger, { membership: 'leave' });
    expect(hs.state.membership(fromStranger, hs.bot.userId)).toBe('leave');
  });
});
