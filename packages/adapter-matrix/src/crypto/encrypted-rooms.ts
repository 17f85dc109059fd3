import type { MatrixClient } from 'matrix-bot-sdk';
import { classify, withRetry } from '../retry.js';
import { rotationLimits, type RotationLimits } from './rotation-limits.js';

/**
 * Which rooms have `m.room.encryption`, and the rotation limits it sets: learnt from the sync's
 * state and timeline events, from the rooms the bot creates encrypted, else asked of the
 * homeserver once per room.
 */
export class EncryptedRooms {
  /** Per room: its limits when encrypted, undefined when not. */
  private readonly known = new Map<string, Promise<RotationLimits | undefined>>();

  constructor(private readonly client: MatrixClient) {}

  /**
   * Notes an `m.room.encryption` event of a room with its content (from a sync, or the initial
   * state of a room the bot created); a later one replaces the limits.
   */
  note(roomId: string, content: unknown): void {
    this.known.set(roomId, Promise.resolve(rotationLimits(content)));
  }

  /** True when the room has `m.room.encryption` (as noted, else asked once; a failed question is asked again). */
  async isEncrypted(roomId: string): Promise<boolean> {
    return (await this.rotation(roomId)) !== undefined;
  }

  /** The rotation limits of an encrypted room, or undefined for a room without encryption (asked as {@link EncryptedRooms.isEncrypted}). */
  rotation(roomId: string): Promise<RotationLimits | undefined> {
    let known = this.known.get(roomId);
    if (!known) {
      known = withRetry(() => this.client.getRoomStateEvent(roomId, 'm.room.encryption', '') as Promise<unknown>, {
        what: 'room encryption state',
      }).then(
        (content) => rotationLimits(content),
        (err: unknown) => {
          const failure = classify(err);
          if (failure.kind === 'permanent' && failure.status === 404) return undefined;
          this.known.delete(roomId);
          throw err;
        },
      );
      this.known.set(roomId, known);
    }
    return known;
  }
}
