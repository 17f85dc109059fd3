import type { HomeserverState, StoredUser } from './homeserver-state.js';
import { createRoomRoute, membersRoute } from './membership-routes.js';
import { e2eeRoute, e2eeSync } from './e2ee-api.js';
import { buildSync, clientEvent, parseSince, timelineLimit } from './sync-response.js';

/** An answer of a route: status and JSON body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** One parsed request as the routes see it. */
export interface ApiRequest {
  readonly method: string;
  /** The path after `/_matrix`, decoded per segment by the routes. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  readonly contentType: string;
  readonly user: StoredUser;
  readonly token: string;
}

/** What the routes need besides the state. */
export interface ApiContext {
  readonly state: HomeserverState;
  readonly now: () => number;
  /** True once the server is stopping (long-polls answer at once). */
  readonly stopping: () => boolean;
  /** Resolves when the stream moves or after `ms` (long-poll). */
  readonly waitForChange: (ms: number) => Promise<void>;
  /** Takes one action from the user's rate-limit bucket; returns ms to wait when empty. */
  readonly rateLimit: (userId: string) => number | undefined;
  /** Largest accepted event body in bytes (Synapse: the whole signed event ≤ 65,536). */
  readonly maxEventBytes: number;
}

const error = (status: number, errcode: string, message: string): ApiAnswer => ({
  status,
  body: { errcode, error: message },
});
const forbidden = (message: string): ApiAnswer => error(403, 'M_FORBIDDEN', message);
const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

function json(request: ApiRequest): Record<string, unknown> | undefined {
  if (request.body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(request.body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function rateLimited(ms: number): ApiAnswer {
  return {
    status: 429,
    body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: ms },
    headers: { 'retry-after': String(Math.ceil(ms / 1000)) },
  };
}

/** Idempotent `PUT …/{txnId}`: the first answer for (token, path) is returned again. */
function idempotent(context: ApiContext, request: ApiRequest, create: () => ApiAnswer): ApiAnswer {
  const key = `${request.token} ${request.path}`;
  const known = context.state.transactions.get(key);
  if (known !== undefined) return ok({ event_id: known });
  const answer = create();
  const eventId = (answer.body as { event_id?: unknown }).event_id;
  if (answer.status === 200 && typeof eventId === 'string') context.state.transactions.set(key, eventId);
  return answer;
}

/**
 * Answers one Client-Server API request of the subset in `contracts/matrix.md`. Errors are
 * always JSON with an `errcode`, as Synapse answers them.
 */
export async function answer(context: ApiContext, request: ApiRequest): Promise<ApiAnswer> {
  const { state, now } = context;
  const { user, method } = request;
  const parts = request.path.split('/').filter(Boolean).map(decodeURIComponent);
  const route = `${method} ${parts.join('/')}`;
  let m: RegExpExecArray | null;

  if (route === 'GET client/v3/account/whoami')
    return ok({ user_id: user.userId, device_id: state.e2ee.deviceOf(request.token), is_guest: false });
  if (/^(POST client\/v3\/keys\/|PUT client\/v3\/sendToDevice\/)/.test(route)) {
    const body = json(request);
    if (!body) return error(400, 'M_NOT_JSON', 'Content not JSON.');
    const e2ee = e2eeRoute(state, state.e2ee, user, request.token, route, body);
    if (e2ee) return e2ee;
  }
  if (route === 'GET client/versions')
    return ok({ versions: ['v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6'], unstable_features: {} });
  if ((m = /^GET client\/v3\/profile\/([^/]+)(?:\/displayname)?$/.exec(route))) {
    const profile = state.users.get(m[1] ?? '');
    if (!profile) return error(404, 'M_NOT_FOUND', 'Profile was not found');
    return ok(profile.displayName === undefined ? {} : { displayname: profile.displayName });
  }
  if (route === 'GET client/v3/joined_rooms') {
    return ok({ joined_rooms: [...state.rooms.keys()].filter((id) => state.membership(id, user.userId) === 'join') });
  }
  if ((m = /^(GET|PUT) client\/v3\/user\/([^/]+)\/account_data\/([^/]+)$/.exec(route))) {
    if (m[2] !== user.userId) return forbidden('Cannot get or set account data for other users.');
    const type = m[3] ?? '';
    if (m[1] === 'GET') {
      const data = user.accountData.get(type);
      return data ? ok(data.content) : error(404, 'M_NOT_FOUND', 'Account data not found');
    }
    const content = json(request);
    if (!content) return error(400, 'M_NOT_JSON', 'Content not JSON.');
    state.setAccountData(user.userId, type, content);
    return ok({});
  }
  if ((m = /^POST client\/v3\/user\/([^/]+)\/filter$/.exec(route))) {
    const filter = json(request);
    if (!filter) return error(400, 'M_NOT_JSON', 'Content not JSON.');
    const id = String(user.filters.size + 1);
    user.filters.set(id, filter);
    return ok({ filter_id: id });
  }
  if (route === 'GET client/v3/sync') {
    const since = request.query.get('since') ?? undefined;
    const limit = timelineLimit(user, request.query.get('filter') ?? undefined);
    const timeout = Math.min(Number(request.query.get('timeout') ?? 0) || 0, 60_000);
    const from = parseSince(since);
    const deadline = now() + timeout;
    for (;;) {
      const response = e2eeSync(
        state,
        state.e2ee,
        user,
        request.token,
        from,
        buildSync(state, user, from, limit, now()),
      );
      if (response) return ok(response);
      const left = deadline - now();
      if (left <= 0 || context.stopping()) return ok({ next_batch: since ?? `s${state.head}` });
      await context.waitForChange(left);
    }
  }
  if ((m = /^POST client\/v3\/join\/([^/]+)$/.exec(route))) {
    const roomId = m[1] ?? '';
    if (!state.rooms.has(roomId)) return error(404, 'M_NOT_FOUND', 'No known servers');
    const membership = state.membership(roomId, user.userId);
    if (membership === 'ban') return forbidden('You are banned from this room');
    if (membership !== 'invite' && membership !== 'join') return forbidden('You are not invited to this room.');
    const wait = context.rateLimit(user.userId);
    if (wait !== undefined) return rateLimited(wait);
    if (membership === 'invite') state.join(roomId, user.userId);
    return ok({ room_id: roomId });
  }
  if (route === 'POST client/v3/createRoom') {
    const body = json(request);
    return body ? createRoomRoute(context, request, body) : error(400, 'M_NOT_JSON', 'Content not JSON.');
  }
  if ((m = /^POST client\/v3\/rooms\/([^/]+)\/leave$/.exec(route))) {
    if (!state.rooms.has(m[1] ?? '')) return error(404, 'M_NOT_FOUND', 'Unknown room');
    state.leave(m[1] ?? '', user.userId);
    return ok({});
  }
  if ((m = /^(GET|PUT|POST) client\/v3\/rooms\/([^/]+)\/(.+)$/.exec(route))) {
    const roomId = m[2] ?? '';
    if (!state.rooms.has(roomId)) return forbidden(`Unknown room ${roomId}`);
    const joined = state.membership(roomId, user.userId) === 'join';
    if (!joined) return forbidden(`User ${user.userId} not in room ${roomId}`);
    return roomRoute(context, request, roomId, `${m[1]} ${m[3]}`);
  }
  if (route === 'POST media/v3/upload' || route === 'POST media/r0/upload') {
    const id = state.newId('');
    const filename = request.query.get('filename') ?? '';
    state.media.set(id, { bytes: Buffer.from(request.body), contentType: request.contentType, filename });
    return ok({ content_uri: `mxc://${state.serverName}/${id}` });
  }
  return error(404, 'M_UNRECOGNIZED', 'Unrecognized request');
}

async function roomRoute(context: ApiContext, request: ApiRequest, roomId: string, route: string): Promise<ApiAnswer> {
  const { state, now } = context;
  const { user } = request;
  let m: RegExpExecArray | null;
  if ((m = /^PUT send\/([^/]+)\/([^/]+)$/.exec(route))) {
    const type = m[1] ?? '';
    const txnId = m[2] ?? '';
    const content = json(request);
    if (!content) return error(400, 'M_NOT_JSON', 'Content not JSON.');
    return idempotent(context, request, () => {
      if (Buffer.byteLength(JSON.stringify(content)) + 650 > context.maxEventBytes)
        return error(413, 'M_TOO_LARGE', 'event too large');
      const wait = context.rateLimit(user.userId);
      if (wait !== undefined) return rateLimited(wait);
      const event = state.append(roomId, user.userId, type, content, { txnId, token: request.token });
      return ok({ event_id: event.event_id });
    });
  }
  if ((m = /^PUT redact\/([^/]+)\/([^/]+)$/.exec(route))) {
    const eventId = m[1] ?? '';
    const txnId = m[2] ?? '';
    const body = json(request) ?? {};
    return idempotent(context, request, () => {
      const target = state.room(roomId).events.find((e) => e.event_id === eventId);
      if (!target) return error(404, 'M_NOT_FOUND', 'Event not found');
      const own = target.sender === user.userId;
      if (!own && state.powerLevel(roomId, user.userId) < state.requiredPower(roomId, 'redact')) {
        return forbidden("You don't have permission to redact events");
      }
      const wait = context.rateLimit(user.userId);
      if (wait !== undefined) return rateLimited(wait);
      const reason = typeof body['reason'] === 'string' ? body['reason'] : undefined;
      const redaction = state.redact(roomId, user.userId, eventId, reason, { txnId, token: request.token });
      return ok({ event_id: redaction.event_id });
    });
  }
  if ((m = /^PUT typing\/([^/]+)$/.exec(route))) {
    if (m[1] !== user.userId) return forbidden('Cannot set another user typing');
    const body = json(request) ?? {};
    context.state.recordTyping({ roomId, userId: user.userId, typing: body['typing'] === true, at: now() });
    return ok({});
  }
  if (/^POST receipt\/[^/]+\/[^/]+$/.test(route)) return ok({});
  if (route === 'GET joined_members') {
    const joined: Record<string, { display_name?: string }> = {};
    for (const id of state.joinedMembers(roomId)) {
      const name = state.users.get(id)?.displayName;
      joined[id] = name === undefined ? {} : { display_name: name };
    }
    return ok({ joined });
  }
  if (route === 'GET members') return membersRoute(context, request, roomId);
  if ((m = /^GET event\/([^/]+)$/.exec(route))) {
    const event = state.room(roomId).events.find((e) => e.event_id === m?.[1]);
    return event ? ok(clientEvent(event, request.token, now(), true)) : error(404, 'M_NOT_FOUND', 'Event not found');
  }
  if (route === 'GET state')
    return ok([...state.room(roomId).state.values()].map((e) => clientEvent(e, request.token, now(), true)));
  if ((m = /^GET state\/([^/]+)(?:\/([^/]*))?$/.exec(route))) {
    const content = state.stateContent(roomId, m[1] ?? '', m[2] ?? '');
    return content ? ok(content) : error(404, 'M_NOT_FOUND', 'Event not found');
  }
  if (route === 'GET messages') return ok(messages(context, request, roomId));
  return error(404, 'M_UNRECOGNIZED', 'Unrecognized request');
}

/** `/messages` backfill: `from` is a `t<pos>` (before pos) or `s<pos>` (up to pos) token. */
function messages(context: ApiContext, request: ApiRequest, roomId: string): Record<string, unknown> {
  const { state, now } = context;
  const from = request.query.get('from') ?? `s${state.head}`;
  const dir = request.query.get('dir') ?? 'b';
  const limit = Math.min(Math.max(Number(request.query.get('limit') ?? 10) || 10, 1), 1000);
  const t = /^t(\d+)$/.exec(from);
  const s = /^s(\d+)$/.exec(from);
  const edge = t ? Number(t[1]) : s ? Number(s[1]) + 1 : state.head + 1;
  const events = state.room(roomId).events;
  const chunk =
    dir === 'b'
      ? events
          .filter((e) => e.pos < edge)
          .slice(-limit)
          .reverse()
      : events.filter((e) => e.pos >= edge).slice(0, limit);
  const last = chunk.at(-1);
  const body: Record<string, unknown> = {
    start: from,
    chunk: chunk.map((e) => clientEvent(e, request.token, now(), true)),
  };
  if (last && chunk.length === limit) body['end'] = dir === 'b' ? `t${last.pos}` : `t${last.pos + 1}`;
  return body;
}
