import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMatrixHomeserver, type MatrixHomeserver } from './homeserver.js';

let hs: MatrixHomeserver;
beforeEach(async () => {
  hs = await startMatrixHomeserver();
});
afterEach(() => hs.stop());

async function call(
  method: string,
  path: string,
  body?: unknown,
  token = hs.bot.token,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${hs.url}/_matrix/client/v3${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

type Sync = {
  next_batch: string;
  rooms?: {
    join?: Record<string, { timeline: { events: { event_id: string }[]; limited: boolean; prev_batch: string } }>;
  };
};

describe('homeserver stand-in', () => {
  it('caps an unfiltered sync at 10 events per room and marks it limited', async () => {
    const alice = hs.human('alice');
    const room = alice.createRoom({ invite: [hs.bot.userId] });
    hs.state.join(room, hs.bot.userId);
    const first = (await call('GET', '/sync?timeout=0')).body as Sync;
    for (let i = 0; i < 15; i += 1) alice.say(room, `m${i}`);
    const next = (await call('GET', `/sync?timeout=0&since=${first.next_batch}`)).body as Sync;
    const timeline = next.rooms?.join?.[room]?.timeline;
    expect(timeline?.events).toHaveLength(10);
    expect(timeline?.limited).toBe(true);
    const back = await call(
      'GET',
      `/rooms/${encodeURIComponent(room)}/messages?dir=b&limit=5&from=${timeline?.prev_batch ?? ''}`,
    );
    expect((back.body['chunk'] as { content: { body: string } }[]).map((e) => e.content.body)).toEqual([
      'm4',
      'm3',
      'm2',
      'm1',
      'm0',
    ]);
  });

  it('honours a filter timeline limit', async () => {
    const alice = hs.human('alice');
    const room = alice.createRoom({ invite: [hs.bot.userId] });
    hs.state.join(room, hs.bot.userId);
    const { body: filter } = await call('POST', `/user/${encodeURIComponent(hs.bot.userId)}/filter`, {
      room: { timeline: { limit: 50 } },
    });
    const first = (await call('GET', `/sync?timeout=0&filter=${String(filter['filter_id'])}`)).body as Sync;
    for (let i = 0; i < 15; i += 1) alice.say(room, `m${i}`);
    const next = (await call('GET', `/sync?timeout=0&filter=${String(filter['filter_id'])}&since=${first.next_batch}`))
      .body as Sync;
    expect(next.rooms?.join?.[room]?.timeline.events).toHaveLength(15);
    expect(next.rooms?.join?.[room]?.timeline.limited).toBe(false);
  });

  it('returns the first event id for a repeated transaction id and a new event in another room', async () => {
    const alice = hs.human('alice');
    const a = alice.createRoom({ invite: [hs.bot.userId] });
    const b = alice.createRoom({ invite: [hs.bot.userId] });
    hs.state.join(a, hs.bot.userId);
    hs.state.join(b, hs.bot.userId);
    const once = await call('PUT', `/rooms/${encodeURIComponent(a)}/send/m.room.message/t1`, {
      msgtype: 'm.notice',
      body: 'one',
    });
    const twice = await call('PUT', `/rooms/${encodeURIComponent(a)}/send/m.room.message/t1`, {
      msgtype: 'm.notice',
      body: 'two',
    });
    const other = await call('PUT', `/rooms/${encodeURIComponent(b)}/send/m.room.message/t1`, {
      msgtype: 'm.notice',
      body: 'one',
    });
    expect(twice.body['event_id']).toBe(once.body['event_id']);
    expect(other.body['event_id']).not.toBe(once.body['event_id']);
    expect(hs.botEvents(a).filter((e) => e['type'] === 'm.room.message')).toHaveLength(1);
  });

  it('refuses to let a power-0 member redact another user’s message', async () => {
    const alice = hs.human('alice');
    const room = alice.createRoom({ invite: [hs.bot.userId] });
    hs.state.join(room, hs.bot.userId);
    const secret = alice.say(room, '!login a@b.c hunter2');
    const refused = await call('PUT', `/rooms/${encodeURIComponent(room)}/redact/${encodeURIComponent(secret)}/r1`, {
      reason: 'password',
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ errcode: 'M_FORBIDDEN', error: "You don't have permission to redact events" });
    hs.state.setPowerLevel(room, hs.bot.userId, 50);
    const allowed = await call('PUT', `/rooms/${encodeURIComponent(room)}/redact/${encodeURIComponent(secret)}/r2`, {
      reason: 'password',
    });
    expect(allowed.status).toBe(200);
    expect(hs.events(room).find((e) => e['event_id'] === secret)?.['content']).toEqual({});
  });

  it('answers a rate-limited send with retry_after_ms and Retry-After', async () => {
    hs.fail({ path: '/send/', status: 429, retryAfterMs: 1500 });
    const alice = hs.human('alice');
    const room = alice.createRoom({ invite: [hs.bot.userId] });
    hs.state.join(room, hs.bot.userId);
    const limited = await call('PUT', `/rooms/${encodeURIComponent(room)}/send/m.room.message/x`, { body: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1500 });
    expect(limited.headers.get('retry-after')).toBe('2');
  });

  it('answers an unknown token with 401 M_UNKNOWN_TOKEN', async () => {
    const answer = await call('GET', '/account/whoami', undefined, 'syt_nope');
    expect(answer.status).toBe(401);
    expect(answer.body['errcode']).toBe('M_UNKNOWN_TOKEN');
  });

  it('holds a long-poll until something happens', async () => {
    const alice = hs.human('alice');
    const room = alice.createRoom({ invite: [hs.bot.userId] });
    hs.state.join(room, hs.bot.userId);
    const first = (await call('GET', '/sync?timeout=0')).body as Sync;
    const polling = call('GET', `/sync?timeout=20000&since=${first.next_batch}`);
    const sent = alice.say(room, 'hello');
    const next = (await polling).body as Sync;
    expect(next.rooms?.join?.[room]?.timeline.events.map((e) => e.event_id)).toEqual([sent]);
  });
  it('creates a direct room with power 100 for the invitee and lists joined and invited members', async () => {
    const alice = hs.human('alice');
    const created = await call('POST', '/createRoom', {
      invite: [alice.userId],
      is_direct: true,
      preset: 'trusted_private_chat',
    });
    const room = String(created.body['room_id']);
    expect(hs.state.stateContent(room, 'm.room.member', alice.userId)).toEqual({
      membership: 'invite',
      is_direct: true,
    });
    expect(hs.state.powerLevel(room, alice.userId)).toBe(100);
    const members = await call('GET', `/rooms/${encodeURIComponent(room)}/members`);
    expect(
      (members.body['chunk'] as { state_key: string; content: { membership: string } }[]).map((e) => [
        e.state_key,
        e.content.membership,
      ]),
    ).toEqual([
      [hs.bot.userId, 'join'],
      [alice.userId, 'invite'],
    ]);
    const joined = await call('GET', `/rooms/${encodeURIComponent(room)}/members?membership=join`);
    expect((joined.body['chunk'] as unknown[]).length).toBe(1);
    const unknown = await call('POST', '/createRoom', { invite: ['@nobody:stats.test'] });
    expect(unknown.status).toBe(400);
  });
});
