import type { MatrixClient } from 'matrix-bot-sdk';
import { classify, withRetry } from '../retry.js';

/**
 * Which rooms have `m.room.encryption`: learnt from the sync's state and timeline events, from
 * the rooms the bot creates encrypted, else asked of the homeserver once per room.
 */
export class EncryptedRooms {
  private readonly known = new Map<string, Promise<boolean>>();

  constructor(private readonly client: MatrixClient) {}

  /** Notes an `m.room.encryption` event of a room (from a sync, or the initial state of a room the bot created). */
  note(roomId: string): void {
    this.known.set(roomId, Promise.resolve(true));
  }

  /** True when the room has `m.room.encryption` (as noted, else asked once; a failed question is asked again). */
  isEncrypted(roomId: string): Promise<boolean> {
    let known = this.known.get(roomId);
    if (!known) {
      known = withRetry(() => this.client.getRoomStateEvent(roomId, 'm.room.encryption', ''), {
        what: 'room encryption state',
      }).then(
        () => true,
        (err: unknown) => {
          const failure = classify(err);
          if (failure.kind === 'permanent' && failure.status === 404) return false;
          this.known.delete(roomId);
          throw err;
        },
      );
      this.known.set(roomId, known);
    }
    return known;
  }
}
