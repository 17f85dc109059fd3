import type { CreateRoomOptions } from './homeserver-state.js';
import type { MatrixHomeserver } from './homeserver.js';
import type { MatrixHuman } from './human-user.js';

/** Who can own a bot room: a plain or an encrypted human. */
export type RoomOwner = Pick<MatrixHuman, 'userId' | 'createRoom' | 'invite'>;

/** Who can be a further member: a plain or an encrypted human. */
export type RoomMember = Pick<MatrixHuman, 'userId' | 'join'>;

/** A room on the homeserver stand-in with the bot invited (and, once awaited, joined). */
export interface BotRoom<O extends RoomOwner = MatrixHuman> {
  readonly roomId: string;
  /** The human who created the room and invited the bot. */
  readonly owner: O;
  /** The further humans who joined (in the order given). */
  readonly members: readonly RoomMember[];
}

/** Options of {@link createBotRoom}. */
export interface BotRoomOptions<O extends RoomOwner = MatrixHuman> extends Omit<CreateRoomOptions, 'invite'> {
  /** Who creates the room and invites the bot (default a new human `alice`, "Alice"). */
  readonly owner?: O;
  /** Humans invited and joined after the bot's invite (e.g. a second person, so the room is not a DM). */
  readonly members?: readonly RoomMember[];
}

/** True for the `m.room.member` event of `userId` in `roomId` with `membership`. */
export function isMembership(
  event: Record<string, unknown>,
  roomId: string,
  userId: string,
  membership: 'join' | 'leave' | 'invite',
): boolean {
  return (
    event['room_id'] === roomId &&
    event['state_key'] === userId &&
    (event['content'] as { membership?: unknown } | undefined)?.membership === membership
  );
}

/**
 * The usual Matrix test room: `owner` creates it (name, direct, preset, encryption as given)
 * inviting the bot, then invites and joins each of `members`. The bot joins once it syncs:
 * await {@link waitForBotJoin} where the test needs it in the room.
 *
 * @example
 * const { roomId, owner } = createBotRoom(hs, { name: 'ops', members: [hs.human('bob', 'Bob')] });
 * await waitForBotJoin(hs, roomId);
 * await hs.waitForReply(owner.say(roomId, '!help'));
 */
export function createBotRoom<O extends RoomOwner = MatrixHuman>(
  hs: MatrixHomeserver,
  options: BotRoomOptions<O> = {},
): BotRoom<O> {
  const { owner = hs.human('alice', 'Alice') as RoomOwner as O, members = [], ...room } = options;
  const roomId = owner.createRoom({ ...room, invite: [hs.bot.userId] });
  for (const member of members) {
    owner.invite(roomId, member.userId);
    member.join(roomId);
  }
  return { roomId, owner, members };
}

/**
 * Resolves with the bot's membership event once its membership in `roomId` is `membership`
 * (default `join`; `leave` for a declined invite); rejects after `timeoutMs` (default 20 s,
 * a guard, not a timing assertion).
 */
export function waitForBotJoin(
  hs: MatrixHomeserver,
  roomId: string,
  options: { readonly timeoutMs?: number; readonly membership?: 'join' | 'leave' } = {},
): Promise<Record<string, unknown>> {
  const membership = options.membership ?? 'join';
  return hs.waitFor((event) => isMembership(event, roomId, hs.bot.userId, membership), {
    what: `the bot's ${membership} of ${roomId}`,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** {@link createBotRoom}, then {@link waitForBotJoin}: a room the bot is in. */
export async function createJoinedBotRoom<O extends RoomOwner = MatrixHuman>(
  hs: MatrixHomeserver,
  options: BotRoomOptions<O> = {},
): Promise<BotRoom<O>> {
  const room = createBotRoom(hs, options);
  await waitForBotJoin(hs, room.roomId);
  return room;
}
