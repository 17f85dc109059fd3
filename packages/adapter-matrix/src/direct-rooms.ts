import type { MatrixClient } from 'matrix-bot-sdk';

/**
 * Decides whether a room is direct (only the sender and the bot can read it), the three ways
 * Matrix clients mark one: the `m.direct` account data (kept by matrix-bot-sdk's DM cache),
 * `is_direct` on the invite, and, for clients that set neither, a room of exactly two joined
 * members. Member counts are cached per room and dropped when a membership changes.
 */
export class DirectRooms {
  private readonly invitedDirect = new Set<string>();
  private readonly memberCounts = new Map<string, Promise<number>>();

  constructor(private readonly client: MatrixClient) {}

  /** Records an invite; `isDirect` is the invite's `is_direct`. */
  noteInvite(roomId: string, isDirect: boolean): void {
    if (isDirect) this.invitedDirect.add(roomId);
  }

  /** Forgets the cached member count (a member joined or left). */
  membershipChanged(roomId: string): void {
    this.memberCounts.delete(roomId);
  }

  /** True for a direct room; a failed member lookup counts as not direct (the safe side). */
  async isDirect(roomId: string): Promise<boolean> {
    if (this.invitedDirect.has(roomId) || this.client.dms.isDm(roomId)) return true;
    let count = this.memberCounts.get(roomId);
    if (!count) {
      count = this.client.getJoinedRoomMembers(roomId).then(
        (members) => members.length,
        () => {
          this.memberCounts.delete(roomId);
          return 0;
        },
      );
      this.memberCounts.set(roomId, count);
    }
    return (await count) === 2;
  }
}
