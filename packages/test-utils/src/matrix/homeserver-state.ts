import { randomBytes } from 'node:crypto';
import { registerSecret } from '../log-scan.js';
import { E2eeState } from './e2ee-state.js';

/** A Matrix event as the stand-in stores it (a ClientEvent with its stream position). */
export interface StoredEvent {
  readonly event_id: string;
  readonly room_id: string;
  readonly type: string;
  readonly sender: string;
  readonly origin_server_ts: number;
  content: Record<string, unknown>;
  readonly state_key?: string;
  readonly unsigned: { transaction_id?: string; redacted_because?: string };
  /** The global stream position; sync tokens count these. */
  readonly pos: number;
  /** The access token that sent it (for `unsigned.transaction_id`). */
  readonly token?: string;
}

/** A typing notification a client sent. */
export interface TypingNotice {
  readonly roomId: string;
  readonly userId: string;
  readonly typing: boolean;
  readonly at: number;
}

/** A room of the stand-in. */
export interface StoredRoom {
  readonly id: string;
  readonly events: StoredEvent[];
  /** Current state: `${type}\u0000${stateKey}` → event. */
  readonly state: Map<string, StoredEvent>;
}

/** A user of the stand-in. */
export interface StoredUser {
  readonly userId: string;
  readonly token: string;
  displayName?: string;
  readonly accountData: Map<string, { content: Record<string, unknown>; pos: number }>;
  readonly filters: Map<string, unknown>;
}

/** Options of {@link HomeserverState.createRoom}. */
export interface CreateRoomOptions {
  readonly name?: string;
  /** Users to invite. */
  readonly invite?: readonly string[];
  /** Mark the invites as direct (`is_direct`), as Element does for a DM. */
  readonly direct?: boolean;
  /** `private_chat` (invitees at power 0, redact needs 50) or `trusted_private_chat` (invitees at 100). */
  readonly preset?: 'private_chat' | 'trusted_private_chat';
  /** Adds `m.room.encryption` (megolm) to the initial state. */
  readonly encrypted?: boolean;
  /** State events sent after the preset's (Synapse's `initial_state`), e.g. `m.room.encryption`. */
  readonly initialState?: readonly {
    readonly type: string;
    readonly stateKey: string;
    readonly content: Record<string, unknown>;
  }[];
}

const stateKeyOf = (type: string, stateKey: string): string => `${type}\u0000${stateKey}`;

/**
 * The rooms, users and event stream of the homeserver stand-in. Pure data and rules; the HTTP
 * routes ({@link createClientApi}) and the human-user helpers both act through it.
 */
export class HomeserverState {
  readonly users = new Map<string, StoredUser>();
  readonly tokens = new Map<string, string>();
  readonly rooms = new Map<string, StoredRoom>();
  readonly media = new Map<string, { bytes: Buffer; contentType: string; filename: string }>();
  /** Idempotency of `PUT …/{txnId}`: `${token} ${path}` → event id. */
  readonly transactions = new Map<string, string>();
  /** Every typing notification received, in order. */
  readonly typing: TypingNotice[] = [];
  /** Devices, keys and to-device messages (end-to-end encryption). */
  readonly e2ee = new E2eeState(() => this.touch());
  private readonly typingListeners = new Set<(notice: TypingNotice) => void>();
  private position = 0;
  private counter = 0;
  private readonly listeners = new Set<(event: StoredEvent | undefined) => void>();

  constructor(
    readonly serverName: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The latest stream position. */
  get head(): number {
    return this.position;
  }

  /** Registers a user with a fresh access token. */
  addUser(localpart: string, displayName?: string, server: string = this.serverName): StoredUser {
    const userId = `@${localpart}:${server}`;
    const token = `syt_${localpart}_${randomBytes(8).toString('hex')}`;
    const user: StoredUser = { userId, token, accountData: new Map(), filters: new Map() };
    if (displayName !== undefined) user.displayName = displayName;
    this.users.set(userId, user);
    this.tokens.set(token, userId);
    registerSecret(token, `Matrix access token of ${userId}`);
    return user;
  }

  /** Calls `listener` after every change of the stream (for long-polls and waiters). */
  subscribe(listener: (event: StoredEvent | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a typing notification and tells the listeners. */
  recordTyping(notice: TypingNotice): void {
    this.typing.push(notice);
    for (const listener of this.typingListeners) listener(notice);
  }

  /** Calls `listener` for every typing notification from now on. */
  onTyping(listener: (notice: TypingNotice) => void): () => void {
    this.typingListeners.add(listener);
    return () => this.typingListeners.delete(listener);
  }

  /** Bumps the stream without an event (account data changes) and wakes waiters. */
  touch(): number {
    this.position += 1;
    for (const listener of this.listeners) listener(undefined);
    return this.position;
  }

  /** A new opaque id with a sigil. */
  newId(sigil: '!' | '$' | ''): string {
    this.counter += 1;
    const local = `${this.counter.toString(36)}${randomBytes(6).toString('base64url')}`;
    return sigil === '$' ? `$${local}` : sigil === '!' ? `!${local}:${this.serverName}` : local;
  }

  /** Appends an event to a room (and to its state when `stateKey` is given). */
  append(
    roomId: string,
    sender: string,
    type: string,
    content: Record<string, unknown>,
    options: { stateKey?: string; txnId?: string; token?: string; ts?: number } = {},
  ): StoredEvent {
    const room = this.room(roomId);
    this.position += 1;
    const event: StoredEvent = {
      event_id: this.newId('$'),
      room_id: roomId,
      type,
      sender,
      origin_server_ts: options.ts ?? this.now(),
      content,
      unsigned: options.txnId === undefined ? {} : { transaction_id: options.txnId },
      pos: this.position,
      ...(options.stateKey === undefined ? {} : { state_key: options.stateKey }),
      ...(options.token === undefined ? {} : { token: options.token }),
    };
    room.events.push(event);
    if (options.stateKey !== undefined) room.state.set(stateKeyOf(type, options.stateKey), event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** The room, or throws. */
  room(roomId: string): StoredRoom {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`no room ${roomId}`);
    return room;
  }

  /** A state event's content, if set. */
  stateContent(roomId: string, type: string, stateKey = ''): Record<string, unknown> | undefined {
    return this.rooms.get(roomId)?.state.get(stateKeyOf(type, stateKey))?.content;
  }

  /** A user's membership in a room (`join`, `invite`, `leave`, `ban`) or undefined. */
  membership(roomId: string, userId: string): string | undefined {
    const content = this.stateContent(roomId, 'm.room.member', userId);
    return typeof content?.['membership'] === 'string' ? content['membership'] : undefined;
  }

  /** The stream position of the user's latest membership event in the room. */
  membershipPos(roomId: string, userId: string): number {
    return this.rooms.get(roomId)?.state.get(stateKeyOf('m.room.member', userId))?.pos ?? 0;
  }

  /** Joined members of a room. */
  joinedMembers(roomId: string): string[] {
    const room = this.room(roomId);
    const out: string[] = [];
    for (const event of room.state.values()) {
      if (event.type === 'm.room.member' && event.content['membership'] === 'join' && event.state_key)
        out.push(event.state_key);
    }
    return out;
  }

  /** A user's power level in a room. */
  powerLevel(roomId: string, userId: string): number {
    const pl = this.stateContent(roomId, 'm.room.power_levels') ?? {};
    const users = (pl['users'] ?? {}) as Record<string, number>;
    return users[userId] ?? (typeof pl['users_default'] === 'number' ? pl['users_default'] : 0);
  }

  /** The power an action (`redact`, `kick`, …) needs in a room. */
  requiredPower(roomId: string, action: string): number {
    const pl = this.stateContent(roomId, 'm.room.power_levels') ?? {};
    const value = pl[action];
    return typeof value === 'number' ? value : 50;
  }

  /** Sets a user's power level (a moderator promoting the bot). */
  setPowerLevel(roomId: string, userId: string, level: number): void {
    const pl = { ...(this.stateContent(roomId, 'm.room.power_levels') ?? {}) };
    const users = { ...((pl['users'] ?? {}) as Record<string, number>), [userId]: level };
    const creator = String(this.stateContent(roomId, 'm.room.create')?.['creator'] ?? userId);
    this.append(roomId, creator, 'm.room.power_levels', { ...pl, users }, { stateKey: '' });
  }

  /** Creates a room as Synapse's `createRoom` would, with the creator joined and invites sent. */
  createRoom(creator: string, options: CreateRoomOptions = {}): string {
    const roomId = this.newId('!');
    this.rooms.set(roomId, { id: roomId, events: [], state: new Map() });
    const preset = options.preset ?? (options.direct ? 'trusted_private_chat' : 'private_chat');
    this.append(roomId, creator, 'm.room.create', { creator, room_version: '10' }, { stateKey: '' });
    this.append(
      roomId,
      creator,
      'm.room.member',
      { membership: 'join', displayname: this.users.get(creator)?.displayName },
      { stateKey: creator },
    );
    const users: Record<string, number> = { [creator]: 100 };
    if (preset === 'trusted_private_chat') for (const invitee of options.invite ?? []) users[invitee] = 100;
    this.append(
      roomId,
      creator,
      'm.room.power_levels',
      { users, users_default: 0, events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0 },
      { stateKey: '' },
    );
    this.append(roomId, creator, 'm.room.join_rules', { join_rule: 'invite' }, { stateKey: '' });
    this.append(roomId, creator, 'm.room.history_visibility', { history_visibility: 'shared' }, { stateKey: '' });
    for (const event of options.initialState ?? [])
      this.append(roomId, creator, event.type, event.content, { stateKey: event.stateKey });
    if (options.name !== undefined)
      this.append(roomId, creator, 'm.room.name', { name: options.name }, { stateKey: '' });
    if (options.encrypted)
      this.append(roomId, creator, 'm.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' }, { stateKey: '' });
    for (const invitee of options.invite ?? []) this.invite(roomId, creator, invitee, options.direct === true);
    return roomId;
  }

  /** Sends an invite. */
  invite(roomId: string, inviter: string, invitee: string, direct = false): StoredEvent {
    const content: Record<string, unknown> = { membership: 'invite' };
    if (direct) content['is_direct'] = true;
    return this.append(roomId, inviter, 'm.room.member', content, { stateKey: invitee });
  }

  /** Joins a user to a room (which must exist). */
  join(roomId: string, userId: string): StoredEvent {
    return this.append(
      roomId,
      userId,
      'm.room.member',
      { membership: 'join', displayname: this.users.get(userId)?.displayName },
      { stateKey: userId },
    );
  }

  /** Leaves a room. */
  leave(roomId: string, userId: string): StoredEvent {
    return this.append(roomId, userId, 'm.room.member', { membership: 'leave' }, { stateKey: userId });
  }

  /** Redacts an event (no permission check; the routes check). */
  redact(
    roomId: string,
    sender: string,
    eventId: string,
    reason: string | undefined,
    options: { txnId?: string; token?: string } = {},
  ): StoredEvent {
    const content: Record<string, unknown> = reason === undefined ? {} : { reason };
    const redaction = this.append(roomId, sender, 'm.room.redaction', { ...content, redacts: eventId }, options);
    const target = this.room(roomId).events.find((e) => e.event_id === eventId);
    if (target) {
      target.content = {};
      target.unsigned.redacted_because = redaction.event_id;
    }
    return redaction;
  }

  /** Sets account data and bumps the stream so syncs deliver it. */
  setAccountData(userId: string, type: string, content: Record<string, unknown>): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`no user ${userId}`);
    user.accountData.set(type, { content, pos: this.position + 1 });
    this.touch();
  }
}
