import {
  CollectStrategy,
  EncryptionSettings,
  type OlmMachine,
  RoomId,
  type ToDeviceRequest,
  UserId,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Logger } from '@stats/core';
import type { RequestSender } from './request-sender.js';
import type { RoomMembers } from './room-members.js';
import { DEFAULT_ROTATION, stricter, type RotationLimits } from './rotation-limits.js';
import type { SerialLock } from './serial-lock.js';

/** After a send, share the room key again after this long (the crate rotates its session after a week at most). */
const RESHARE_EVERY_MS = 60 * 60 * 1000;
/** Before a send, share at the latest after this long (the after-send step failed or has not run). */
const RESHARE_BEFORE_SEND_MS = 24 * 60 * 60 * 1000;
/**
 * A session's time runs out this much earlier here than in the crate: the crate counts whole
 * seconds from the session's creation. Encrypting with a session the crate holds expired is a
 * panic, so the sharing step that replaces it must come first.
 */
const EXPIRY_MARGIN_MS = 10_000;

/** What {@link RoomKeySharing} is built from. */
export interface RoomKeySharingParts {
  readonly machine: OlmMachine;
  readonly logger: Logger;
  /** The crypto's lock: shares are prepared under it. */
  readonly lock: SerialLock;
  readonly requests: RequestSender;
  readonly members: RoomMembers;
  /** The rotation limits the room's `m.room.encryption` sets (resolved before an encryption). */
  readonly rotation: (roomId: string) => Promise<RotationLimits | undefined>;
  /** Asks for a store write soon (after a share sent outside the lock); may reject, which is ignored. */
  readonly persistSoon: () => Promise<void>;
}

/** What {@link RoomKeySharing} knows of the last key share of one room. */
interface RoomShare {
  /** The device-list generation in which the members' devices were last tracked and claimed. */
  generation: number;
  /** The member list (the cached promise) they were tracked for. */
  members: Promise<string[]>;
  /** When devices were last tracked and Olm sessions claimed for this room (Unix ms). */
  trackedAt: number;
  /** When the key was last shared (Unix ms). */
  at: number;
  /** The room's rotation limits passed at the last share: a session it starts keeps to them. */
  limits: RotationLimits;
  /** The outbound session in use (read off the ciphertexts' `session_id`; empty before the first) and its messages. */
  sessionId: string;
  inSession: number;
  /** When the session in use started at the latest (the first share before its first message; Unix ms). */
  sessionStart: number;
  /** The limits the session in use was started with (the crate keeps a session's own). */
  sessionLimits: RotationLimits;
  /**
   * The shares since the last message was sealed: the first one's time and their stricter
   * limits (a new session the next message shows started in one of them).
   */
  sinceSeal: { readonly at: number; readonly limits: RotationLimits } | undefined;
  /**
   * A share since the last sealed message was for an expired session (or after a failed share):
   * the next message is under its successor, so its expiry asks for no further share.
   */
  rotating: boolean;
  /** The to-device messages of a share sent outside the lock (after a send): resolves true when they went out. */
  pending: Promise<boolean> | undefined;
  /** A share failed: some device may lack the key, so the next send starts a new session and shares that. */
  failed: boolean;
}

/**
 * Gives every device of a room's joined and invited members the room's outbound Megolm key
 * (trust on first use), and rotates the session: before a send only when the recipients changed
 * (first message, a new member, a device-list change, a failed share) or the session expired,
 * otherwise after a send, between answers ({@link RoomKeySharing.afterSend}).
 */
export class RoomKeySharing {
  /** Bumped when device-list changes arrive: room keys may need sharing again. */
  private generation = 0;
  /** Per room: the state in which its key was last shared, and the outbound session in use. */
  private readonly shared = new Map<string, RoomShare>();
  /** Key shares sending outside the lock (after a send). */
  private readonly behind = new Set<Promise<boolean>>();
  private closed = false;

  constructor(private readonly p: RoomKeySharingParts) {}

  /**
   * Notes that the machine took device-list changes (call under the lock, once it holds them: a
   * share queued before must not count as after them): the next send of every room shares again.
   */
  noteDeviceListChange(): void {
    this.generation += 1;
  }

  /** Resolves once a share of the room sent outside the lock went out (or failed); at once without one. */
  async sendingShare(roomId: string): Promise<void> {
    await this.shared.get(roomId)?.pending;
  }

  /**
   * Before an encryption (call under the lock): waits for a share sent outside the lock, then
   * shares the room key when what the recipient set depends on forces it (the first message, a
   * new member, a device-list change, a failed share), when the session expired and the
   * after-send step did not start the next one, or after {@link RESHARE_BEFORE_SEND_MS}.
   * Sharing costs several store transactions: everything else is left to the after-send step.
   */
  async shareBeforeSend(roomId: string): Promise<void> {
    await this.shared.get(roomId)?.pending;
    const members = this.p.members.recipients(roomId);
    const last = this.shared.get(roomId);
    const now = Date.now();
    if (
      !last ||
      last.failed ||
      last.generation !== this.generation ||
      last.members !== members ||
      expired(last, now) ||
      now - last.at > RESHARE_BEFORE_SEND_MS
    )
      await this.sendShare(roomId, await this.startShare(roomId, members));
  }

  /**
   * Counts an event the room's outbound session sealed (call under the lock, with the
   * ciphertext's `session_id`). True when it was the session's last message: its successor
   * should be started and shared now ({@link RoomKeySharing.afterSend}), queued behind this
   * lock, while the message's PUT is in flight (the next send waits for the share).
   */
  noteSealed(roomId: string, sessionId: string): boolean {
    const entry = this.shared.get(roomId);
    if (!entry) return false;
    if (entry.sessionId !== sessionId) {
      // A new session: one of the shares since the last message started it, with their limits.
      const started = entry.sinceSeal ?? { at: entry.at, limits: entry.limits };
      Object.assign(entry, { sessionId, inSession: 0, sessionStart: started.at, sessionLimits: started.limits });
    }
    entry.inSession += 1;
    entry.sinceSeal = undefined;
    entry.rotating = false;
    return entry.inSession >= entry.sessionLimits.messages;
  }

  /**
   * After an encrypted event went out: shares the room key again when the session has expired
   * (encrypted the messages the room's `rotation_period_msgs` allows, or used up its
   * `rotation_period_ms`; the sharing step starts the next one) or every
   * {@link RESHARE_EVERY_MS}, so the rotation and its key sharing happen between answers, not
   * before one. (The count-triggered rotation is started already when the session's last
   * message is sealed, while its PUT is in flight; then this finds nothing due.) The share is
   * prepared under the lock and its to-device messages go out after it (a sync's keys are not
   * held up by the PUT); the room's next send waits for them. Rejects when they could not be
   * sent (the next send then shares again).
   */
  async afterSend(roomId: string): Promise<void> {
    const due = (): boolean => {
      const last = this.shared.get(roomId);
      const now = Date.now();
      return (
        last !== undefined &&
        last.pending === undefined &&
        !last.failed &&
        (expired(last, now) || now - last.at > RESHARE_EVERY_MS)
      );
    };
    if (this.closed || !due()) return;
    let failure: { err: unknown } | undefined;
    // Wrapped: a promise returned as such would be awaited by the lock, holding it for the PUT.
    const started = await this.p.lock.run(async () => {
      if (this.closed || !due()) return undefined;
      const requests = await this.startShare(roomId, this.p.members.recipients(roomId));
      const entry = this.shared.get(roomId);
      const sent = this.sendShare(roomId, requests).then(
        () => true,
        (err: unknown) => {
          failure = { err };
          return false;
        },
      );
      if (entry) {
        entry.pending = sent;
        void sent.then(() => {
          if (entry.pending === sent) entry.pending = undefined;
        });
      }
      // Outside the lock: settled() waits for it before the machine is closed.
      this.behind.add(sent);
      void sent.then(() => this.behind.delete(sent));
      return { sent };
    });
    if (started === undefined) return;
    await started.sent;
    void this.p.persistSoon().catch(() => undefined);
    if (failure) throw failure.err;
  }

  /** Starts no more shares after a send (the machine is about to close). */
  close(): void {
    this.closed = true;
  }

  /** Resolves once the shares sending outside the lock went out or failed (never rejects). */
  async settled(): Promise<void> {
    await Promise.all([...this.behind]);
  }

  /**
   * The to-device messages that give every device of `members` the current room key; with
   * `track`, first tracks their devices (keys query) and claims one-time keys for devices
   * without an Olm session (call under the lock). Without it the devices known at the last
   * tracking are used: right when the device lists did not change since (a count-triggered
   * rotation), and the crate itself skips devices already holding the session.
   */
  private async roomKeyRequests(
    roomId: string,
    members: readonly string[],
    track: boolean,
    limits: RotationLimits,
  ): Promise<ToDeviceRequest[]> {
    const { machine } = this.p;
    if (track) {
      await machine.updateTrackedUsers(members.map((u) => new UserId(u)));
      await this.p.requests.flush();
      const claim = await machine.getMissingSessions(members.map((u) => new UserId(u)));
      if (claim) await this.p.requests.send(claim);
    }
    const settings = new EncryptionSettings();
    settings.sharingStrategy = CollectStrategy.allDevices();
    // The room's, not the crate's defaults (which it would use): the spec asks for the room's,
    // and the rotation here counts on knowing them. The crate takes the period in microseconds.
    settings.rotationPeriodMessages = BigInt(limits.messages);
    settings.rotationPeriod = BigInt(limits.ms) * 1000n;
    return machine.shareRoomKey(
      new RoomId(roomId),
      members.map((u) => new UserId(u)),
      settings,
    );
  }

  /**
   * Starts a key share for a room (call under the lock): a failed one first drops the outbound
   * session (the crate counts a share whose messages were never marked sent as done, so only a
   * new session reaches every device again); devices are tracked and claimed again only when the
   * device lists or the members changed since, or after {@link RESHARE_EVERY_MS}. Notes the
   * share, and returns its to-device messages for the caller to send ({@link RoomKeySharing.sendShare}).
   */
  private async startShare(roomId: string, members: Promise<string[]>): Promise<ToDeviceRequest[]> {
    const generation = this.generation;
    const at = Date.now();
    const last = this.shared.get(roomId);
    if (last?.failed) await this.p.machine.invalidateGroupSession(new RoomId(roomId));
    const track =
      last === undefined ||
      last.failed ||
      last.generation !== generation ||
      last.members !== members ||
      at - last.trackedAt > RESHARE_EVERY_MS;
    const limits = (await this.p.rotation(roomId)) ?? DEFAULT_ROTATION;
    const requests = await this.roomKeyRequests(roomId, await members, track, limits);
    // An expired or dropped session is replaced by this share: its expiry asks for no further
    // share (without this, the next send would see the old count and share a second time). Its
    // count and start are kept until the next message shows the new session id: should the
    // crate have kept the session, they still match the crate's.
    const rotating = last !== undefined && (last.rotating || last.failed || expired(last, at));
    this.shared.set(roomId, {
      generation: track ? generation : (last?.generation ?? generation),
      members: track ? members : (last?.members ?? members),
      trackedAt: track ? at : (last?.trackedAt ?? at),
      at,
      limits,
      sessionId: last?.sessionId ?? '',
      inSession: last?.inSession ?? 0,
      sessionStart: last?.sessionStart ?? at,
      sessionLimits: last?.sessionLimits ?? limits,
      sinceSeal: last?.sinceSeal
        ? { at: last.sinceSeal.at, limits: stricter(last.sinceSeal.limits, limits) }
        : { at, limits },
      rotating,
      pending: undefined,
      failed: false,
    });
    return requests;
  }

  /** Sends a share's to-device messages; on failure notes it, so the next send shares again. */
  private async sendShare(roomId: string, requests: readonly ToDeviceRequest[]): Promise<void> {
    try {
      for (const request of requests) await this.p.requests.send(request);
    } catch (err) {
      const entry = this.shared.get(roomId);
      if (entry) entry.failed = true;
      throw err;
    }
  }
}

/** True when the room's session in use has expired (or will within the margin) and is not being replaced. */
function expired(share: RoomShare, now: number): boolean {
  return (
    !share.rotating &&
    (share.inSession >= share.sessionLimits.messages ||
      now - share.sessionStart >= share.sessionLimits.ms - EXPIRY_MARGIN_MS)
  );
}
