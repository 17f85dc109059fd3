import type { MatrixClient } from 'matrix-bot-sdk';

/**
 * Decides whether a room is direct (only the sender and the bot can read it). A room is direct
 * only when it is marked as one, by the `m.direct` account data (matrix-bot-sdk's DM cache,
 * which also records `is_direct` invites) or by the `is_direct` of the bot's invite, **and**
 * its joined plus invited members are exactly two: with Synapse's default history visibility
 * an invitee who has not joined yet reads everything sent before. Member lists are cached per
 * room and dropped when a membership or the `m.direct` account data changes.
 */
export class DirectRooms {
  private readonly invitedDirect = new Set<string>();
  private readonly members = new Map<string, Promise<readonly string[] | undefined>>();

  constructor(private readonly client: MatrixClient) {}

  /** Records an invite; `isDirect` is the invite's `is_direct`. */
  noteInvite(roomId: string, isDirect: boolean): void {
    if (isDirect) this.invitedDirect.add(roomId);
  }

  /** Forgets the cached members of a room (a member joined, left or was invited). */
  membershipChanged(roomId: string): void {
    this.members.delete(roomId);
  }

  /** Forgets every cached member list (the `m.direct` account data changed). */
  accountDataChanged(): void {
    this.members.clear();
  }

  /** True when `m.direct` or an `is_direct` invite marks the room as direct. */
  marked(roomId: string): boolean {
    return this.invitedDirect.has(roomId) || this.client.dms.isDm(roomId);
  }

  /**
   * The joined and invited members of a room (cached), or undefined when the homeserver did
   * not say (the caller then treats the room as shared, the safe side).
   */
  readers(roomId: string): Promise<readonly string[] | undefined> {
    let pending = this.members.get(roomId);
    if (!pending) {
      pending = this.client.getAllRoomMembers(roomId).then(
        (events) =>
          events
            .filter((e) => e.effectiveMembership === 'join' || e.effectiveMembership === 'invite')
            .map((e) => e.membershipFor),
        () => {
          this.members.delete(roomId);
          return undefined;
        },
      );
      this.members.set(roomId, pending);
    }
    return pending;
  }

  /** True for a direct room; a failed member lookup counts as not direct. */
  async isDirect(roomId: string): Promise<boolean> {
    if (!this.marked(roomId)) return false;
    const readers = await this.readers(roomId);
    return readers !== undefined && readers.length === 2;
  }

  /** True when the room is direct and its two readers are the bot and `userId`. */
  async isDirectWith(roomId: string, userId: string, botId: string): Promise<boolean> {
    if (!this.marked(roomId)) return false;
    const readers = await this.readers(roomId);
    return readers !== undefined && readers.length === 2 && readers.includes(userId) && readers.includes(botId);
  }
}
