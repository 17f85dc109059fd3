import type { HomeserverState, StoredEvent, StoredUser } from './homeserver-state.js';

/** Synapse 1.67's timeline cap per room and sync when no filter says otherwise. */
export const DEFAULT_TIMELINE_LIMIT = 10;

/** An event as a client sees it: without the stand-in's bookkeeping, with `unsigned.age`. */
export function clientEvent(
  event: StoredEvent,
  token: string | undefined,
  now: number,
  withRoomId: boolean,
): Record<string, unknown> {
  const unsigned: Record<string, unknown> = { age: Math.max(0, now - event.origin_server_ts) };
  if (event.unsigned.transaction_id !== undefined && token !== undefined && event.token === token) {
    unsigned['transaction_id'] = event.unsigned.transaction_id;
  }
  if (event.unsigned.redacted_because !== undefined) unsigned['redacted_because'] = event.unsigned.redacted_because;
  return {
    type: event.type,
    event_id: event.event_id,
    sender: event.sender,
    origin_server_ts: event.origin_server_ts,
    content: event.content,
    unsigned,
    ...(event.state_key === undefined ? {} : { state_key: event.state_key }),
    ...(withRoomId ? { room_id: event.room_id } : {}),
  };
}

/** Parses a `since` token: `s<pos>`; anything else counts as no token (an initial sync). */
export function parseSince(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const match = /^s(\d+)$/.exec(since);
  return match ? Number(match[1]) : undefined;
}

/** The timeline limit of a filter given by id or inline JSON. */
export function timelineLimit(user: StoredUser, filterParam: string | undefined): number {
  if (filterParam === undefined) return DEFAULT_TIMELINE_LIMIT;
  let filter: unknown;
  if (filterParam.startsWith('{')) {
    try {
      filter = JSON.parse(filterParam);
    } catch {
      filter = undefined;
    }
  } else {
    filter = user.filters.get(filterParam);
  }
  const limit = (filter as { room?: { timeline?: { limit?: unknown } } } | undefined)?.room?.timeline?.limit;
  return typeof limit === 'number' && limit > 0 ? Math.floor(limit) : DEFAULT_TIMELINE_LIMIT;
}

/**
 * Builds a `/sync` answer for `user` since stream position `since` (undefined: initial), as
 * Synapse 1.67 does: at most `limit` timeline events per room with `limited`/`prev_batch`, a
 * newly joined room with its recent history, invites with stripped state, own leaves. Returns
 * `undefined` when nothing is new (the caller long-polls).
 */
export function buildSync(
  state: HomeserverState,
  user: StoredUser,
  since: number | undefined,
  limit: number,
  now: number,
): Record<string, unknown> | undefined {
  const initial = since === undefined;
  const after = since ?? 0;
  const join: Record<string, unknown> = {};
  const invite: Record<string, unknown> = {};
  const leave: Record<string, unknown> = {};
  let anything = false;

  for (const room of state.rooms.values()) {
    const membership = state.membership(room.id, user.userId);
    const memberPos = state.membershipPos(room.id, user.userId);
    if (membership === 'join') {
      const fresh = initial || memberPos > after;
      const candidates = fresh ? room.events : room.events.filter((e) => e.pos > after);
      if (candidates.length === 0) continue;
      const timeline = candidates.slice(-limit);
      const first = timeline[0];
      const inTimeline = new Set(timeline.map((e) => e.event_id));
      join[room.id] = {
        timeline: {
          events: timeline.map((e) => clientEvent(e, user.token, now, false)),
          limited: candidates.length > timeline.length,
          prev_batch: `t${first?.pos ?? state.head}`,
        },
        state: {
          events: fresh
            ? [...room.state.values()]
                .filter((e) => !inTimeline.has(e.event_id))
                .map((e) => clientEvent(e, user.token, now, false))
            : [],
        },
        account_data: { events: [] },
        ephemeral: { events: [] },
        unread_notifications: {},
      };
      anything = true;
    } else if (membership === 'invite' && (initial || memberPos > after)) {
      const stripped = ['m.room.create', 'm.room.name', 'm.room.join_rules', 'm.room.encryption']
        .map((type) => room.state.get(`${type}\u0000`))
        .filter((e): e is StoredEvent => e !== undefined);
      const own = room.state.get(`m.room.member\u0000${user.userId}`);
      if (own) stripped.push(own);
      invite[room.id] = {
        invite_state: {
          events: stripped.map((e) => ({
            type: e.type,
            state_key: e.state_key ?? '',
            sender: e.sender,
            content: e.content,
          })),
        },
      };
      anything = true;
    } else if ((membership === 'leave' || membership === 'ban') && !initial && memberPos > after) {
      const own = room.state.get(`m.room.member\u0000${user.userId}`);
      leave[room.id] = { timeline: { events: own ? [clientEvent(own, user.token, now, false)] : [], limited: false } };
      anything = true;
    }
  }

  const accountData = [...user.accountData.entries()]
    .filter(([, value]) => initial || value.pos > after)
    .map(([type, value]) => ({ type, content: value.content }));
  if (accountData.length > 0) anything = true;
  if (!anything && !initial) return undefined;

  const response: Record<string, unknown> = { next_batch: `s${state.head}` };
  if (accountData.length > 0) response['account_data'] = { events: accountData };
  if (Object.keys(join).length + Object.keys(invite).length + Object.keys(leave).length > 0) {
    response['rooms'] = { join, invite, leave };
  }
  return response;
}
