import type { CreateRoomOptions, HomeserverState, StoredUser } from './homeserver-state.js';

/** A message a human sends. */
export interface SayOptions {
  /** `m.mentions.user_ids`. */
  readonly mentions?: readonly string[];
  /** An HTML `formatted_body`. */
  readonly formattedBody?: string;
  /** Makes it a reply to this event id (with the old fallback in `body`). */
  readonly replyTo?: string;
  /** Back-dates the event (Unix ms), for catch-up tests. */
  readonly ts?: number;
  /** `m.text` (default) or `m.notice`. */
  readonly msgtype?: string;
}

/** A human user acting directly on the homeserver (as Element would). */
export interface MatrixHuman {
  readonly userId: string;
  readonly token: string;
  /** Creates a room as this user and returns its id. */
  createRoom(options?: CreateRoomOptions): string;
  /** Invites someone (`direct`: `is_direct`, as for a DM). */
  invite(roomId: string, userId: string, direct?: boolean): void;
  join(roomId: string): void;
  leave(roomId: string): void;
  /** Sends a text message (encrypted rooms get an `m.room.encrypted` event); returns its id. */
  say(roomId: string, text: string, options?: SayOptions): string;
  /** Sends any event; returns its id. */
  send(roomId: string, type: string, content: Record<string, unknown>): string;
  /** Sets this user's account data (e.g. `m.direct`). */
  setAccountData(type: string, content: Record<string, unknown>): void;
}

/** Acts as `user` directly on the stand-in's state (no HTTP: humans are not under test). */
export function createHuman(state: HomeserverState, user: StoredUser): MatrixHuman {
  const send = (roomId: string, type: string, content: Record<string, unknown>, ts?: number): string => {
    if (state.membership(roomId, user.userId) !== 'join') throw new Error(`${user.userId} is not in ${roomId}`);
    return state.append(roomId, user.userId, type, content, ts === undefined ? {} : { ts }).event_id;
  };
  return {
    userId: user.userId,
    token: user.token,
    createRoom: (opts) => state.createRoom(user.userId, opts),
    invite: (roomId, invitee, direct) => void state.invite(roomId, user.userId, invitee, direct === true),
    join: (roomId) => void state.join(roomId, user.userId),
    leave: (roomId) => void state.leave(roomId, user.userId),
    send: (roomId, type, content) => send(roomId, type, content),
    setAccountData: (type, content) => state.setAccountData(user.userId, type, content),
    say: (roomId, text, opts = {}) => {
      if (state.stateContent(roomId, 'm.room.encryption')) {
        const ciphertext = Buffer.from(text).toString('base64');
        return send(
          roomId,
          'm.room.encrypted',
          { algorithm: 'm.megolm.v1.aes-sha2', ciphertext, device_id: 'ELEMENT', sender_key: 'k', session_id: 's' },
          opts.ts,
        );
      }
      const content: Record<string, unknown> = { msgtype: opts.msgtype ?? 'm.text', body: text };
      if (opts.formattedBody !== undefined)
        Object.assign(content, { format: 'org.matrix.custom.html', formatted_body: opts.formattedBody });
      if (opts.mentions) content['m.mentions'] = { user_ids: [...opts.mentions] };
      if (opts.replyTo !== undefined) {
        const original = state.room(roomId).events.find((e) => e.event_id === opts.replyTo);
        const quoted = String(original?.content['body'] ?? '')
          .split('\n')
          .map((line, i) => (i === 0 ? `> <${original?.sender ?? ''}> ${line}` : `> ${line}`));
        content['body'] = `${quoted.join('\n')}\n\n${text}`;
        content['m.relates_to'] = { 'm.in_reply_to': { event_id: opts.replyTo } };
      }
      return send(roomId, 'm.room.message', content, opts.ts);
    },
  };
}
