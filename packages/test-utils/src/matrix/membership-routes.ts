import type { HomeserverState, StoredUser } from './homeserver-state.js';
import { clientEvent } from './sync-response.js';

/** What these routes need of the API context (a subset of `ApiContext`; no import cycle). */
interface RouteContext {
  readonly state: HomeserverState;
  readonly now: () => number;
  readonly rateLimit: (userId: string) => number | undefined;
}

/** What these routes read of a request (a subset of `ApiRequest`). */
interface RouteRequest {
  readonly query: URLSearchParams;
  readonly user: StoredUser;
  readonly token: string;
}

/** A route's answer (the shape of `RouteAnswer`). */
interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const PRESETS = new Set(['private_chat', 'trusted_private_chat']);

function error(status: number, errcode: string, message: string): RouteAnswer {
  return { status, body: { errcode, error: message } };
}

/**
 * `POST /createRoom` as Synapse answers it for the subset a bot uses: `invite`, `is_direct`
 * (marks the invites, as a DM), `preset` (`private_chat` default, `trusted_private_chat` gives
 * the invitees power 100), `name`, `initial_state` (e.g. `m.room.encryption`). Draws from the creator's rate-limit bucket, as Synapse does.
 */
export function createRoomRoute(
  context: RouteContext,
  request: RouteRequest,
  body: Record<string, unknown>,
): RouteAnswer {
  const invite = Array.isArray(body['invite'])
    ? body['invite'].filter((id): id is string => typeof id === 'string')
    : [];
  const unknown = invite.find((id) => !context.state.users.has(id));
  if (unknown !== undefined) return error(400, 'M_UNKNOWN', `Unknown user ${unknown}`);
  const preset = typeof body['preset'] === 'string' ? body['preset'] : 'private_chat';
  if (!PRESETS.has(preset)) return error(400, 'M_INVALID_PARAM', `Unsupported preset ${preset}`);
  const wait = context.rateLimit(request.user.userId);
  if (wait !== undefined) {
    return {
      status: 429,
      body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: wait },
      headers: { 'retry-after': String(Math.ceil(wait / 1000)) },
    };
  }
  const initialState = (Array.isArray(body['initial_state']) ? body['initial_state'] : []).flatMap((e: unknown) => {
    const event = e as { type?: unknown; state_key?: unknown; content?: unknown };
    if (typeof event.type !== 'string' || typeof event.content !== 'object' || event.content === null) return [];
    return [
      {
        type: event.type,
        stateKey: typeof event.state_key === 'string' ? event.state_key : '',
        content: event.content as Record<string, unknown>,
      },
    ];
  });
  const roomId = context.state.createRoom(request.user.userId, {
    invite,
    initialState,
    direct: body['is_direct'] === true,
    preset: preset as 'private_chat' | 'trusted_private_chat',
    ...(typeof body['name'] === 'string' ? { name: body['name'] } : {}),
  });
  return { status: 200, body: { room_id: roomId } };
}

/**
 * `GET /rooms/{roomId}/members`: the current `m.room.member` events, filtered by the
 * `membership` / `not_membership` query parameters (Spec), as `{ chunk }`.
 */
export function membersRoute(context: RouteContext, request: RouteRequest, roomId: string): RouteAnswer {
  const only = request.query.get('membership');
  const not = request.query.get('not_membership');
  const chunk = [...context.state.room(roomId).state.values()]
    .filter((e) => e.type === 'm.room.member')
    .filter((e) => {
      const membership = e.content['membership'];
      return (only === null || membership === only) && (not === null || membership !== not);
    })
    .map((e) => clientEvent(e, request.token, context.now(), true));
  return { status: 200, body: { chunk } };
}
