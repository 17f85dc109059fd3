import type { MatrixClient } from 'matrix-bot-sdk';
import { withRetry } from '../retry.js';

/**
 * The members a room key goes to, per room: the joined and invited members (an invitee gets the
 * key too, so the answer in a direct room the bot just opened reads once they join), asked of
 * the homeserver once and cached until a membership of the room changes.
 */
export class RoomMembers {
  private readonly known = new Map<string, Promise<string[]>>();

  constructor(private readonly client: MatrixClient) {}

  /**
   * The joined and invited members of a room. The same promise is returned until
   * {@link RoomMembers.forget}: a key share compares it to tell whether the members changed.
   */
  recipients(roomId: string): Promise<string[]> {
    let known = this.known.get(roomId);
    if (!known) {
      known = withRetry(() => this.client.getAllRoomMembers(roomId), { what: 'room members' }).then((events) =>
        events
          .filter((e) => e.effectiveMembership === 'join' || e.effectiveMembership === 'invite')
          .map((e) => e.membershipFor),
      );
      known.catch(() => this.known.delete(roomId));
      this.known.set(roomId, known);
    }
    return known;
  }

  /** Drops the room's cached members (an `m.room.member` event arrived). */
  forget(roomId: string): void {
    this.known.delete(roomId);
  }
}
