import type { Logger } from '@stats/core';
import type { MatrixClient } from 'matrix-bot-sdk';
import type { DirectRooms } from './direct-rooms.js';
import { withRetry, type RetryOptions } from './retry.js';

/** What {@link DirectChats} needs. */
export interface DirectChatsOptions {
  readonly client: MatrixClient;
  readonly direct: DirectRooms;
  readonly botId: string;
  readonly logger: Logger;
  readonly retry: Omit<RetryOptions, 'what'>;
}

type DirectMap = Record<string, string[]>;

/** What {@link DirectChats} asks of end-to-end encryption when it runs. */
export interface DirectRoomEncryption {
  /** Called with each room opened encrypted, before anything is sent into it. */
  noteEncryptedRoom(roomId: string): void;
}

/** The `m.room.encryption` state a new direct room starts with when encryption runs (as Element sends it). */
const ENCRYPTION_STATE = { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } };

/**
 * Finds the bot's direct room with a user, or opens one: a room listed for the user in the
 * bot's `m.direct` whose only readers are the user and the bot, else a new room
 * (`createRoom` with `is_direct`, preset `trusted_private_chat`, the user invited) recorded in
 * `m.direct`; with {@link DirectChats.encryption} set, the room starts encrypted
 * (`m.room.encryption` in `initial_state`). One creation per user at a time.
 */
export class DirectChats {
  private readonly known = new Map<string, string>();
  private readonly opening = new Map<string, Promise<string>>();
  /** `m.direct` is read, changed and written back: one change at a time, or one would undo another. */
  private recording: Promise<void> = Promise.resolve();

  constructor(private readonly o: DirectChatsOptions) {}

  /** Set while end-to-end encryption runs: new direct rooms are then created encrypted. */
  encryption: DirectRoomEncryption | undefined;

  /** The direct room with `userId`, opened if needed; rejects when the homeserver refuses. */
  async roomFor(userId: string): Promise<string> {
    const cached = this.known.get(userId);
    if (cached !== undefined && (await this.o.direct.isDirectWith(cached, userId, this.o.botId))) return cached;
    let pending = this.opening.get(userId);
    if (!pending) {
      pending = this.findOrOpen(userId).finally(() => this.opening.delete(userId));
      this.opening.set(userId, pending);
    }
    const roomId = await pending;
    this.known.set(userId, roomId);
    return roomId;
  }

  private async directMap(): Promise<DirectMap> {
    try {
      const map = (await this.o.client.getAccountData('m.direct')) as unknown;
      return typeof map === 'object' && map !== null ? (map as DirectMap) : {};
    } catch (err) {
      if (
        (err as { errcode?: unknown }).errcode === 'M_NOT_FOUND' ||
        (err as { statusCode?: unknown }).statusCode === 404
      )
        return {};
      throw err;
    }
  }

  private async findOrOpen(userId: string): Promise<string> {
    const { client, direct, botId } = this.o;
    const listed = await withRetry(() => this.directMap(), { ...this.o.retry, what: 'm.direct' });
    for (const roomId of listed[userId] ?? []) {
      if (await direct.isDirectWith(roomId, userId, botId)) return roomId;
    }
    const encryption = this.encryption;
    const roomId = await withRetry(
      () =>
        client.createRoom({
          invite: [userId],
          is_direct: true,
          preset: 'trusted_private_chat',
          ...(encryption ? { initial_state: [ENCRYPTION_STATE] } : {}),
        }),
      { ...this.o.retry, what: 'createRoom' },
    );
    encryption?.noteEncryptedRoom(roomId);
    direct.noteInvite(roomId, true);
    this.o.logger.info(
      { roomId, encrypted: encryption !== undefined },
      'opened a direct room for an answer meant for one user',
    );
    const record = this.recording.then(async () => {
      // Read again just before writing: the SDK may have recorded an invite meanwhile.
      const map = await withRetry(() => this.directMap(), { ...this.o.retry, what: 'm.direct' });
      map[userId] = [roomId, ...(map[userId] ?? []).filter((id) => id !== roomId)];
      await withRetry(() => client.setAccountData('m.direct', map), { ...this.o.retry, what: 'm.direct' });
      await client.dms.update();
    });
    this.recording = record.catch(() => undefined);
    await record;
    return roomId;
  }
}
