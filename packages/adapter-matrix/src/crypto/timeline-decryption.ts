import {
  DecryptionErrorCode,
  DecryptionSettings,
  MegolmDecryptionError,
  type OlmMachine,
  RoomId,
  TrustRequirement,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Logger } from '@stats/core';
import type { CryptoSync, MatrixEvent } from './crypto-sync.js';
import type { HeldEvent, HeldEventsFile } from './held-events.js';

/** What {@link TimelineDecryption} is built from (see `RoomCryptoParts`). */
export interface TimelineDecryptionParts {
  readonly machine: OlmMachine;
  readonly logger: Logger;
  /** The bot's own user id: its events coming back are not decrypted. */
  readonly userId: string;
  /** How long an event whose room key has not arrived waits for it (retried at each sync). */
  readonly roomKeyWaitMs: number;
  /** Where events waiting for their room key are kept across restarts. */
  readonly heldFile: HeldEventsFile;
  /** The events that were waiting when the process stopped (from {@link TimelineDecryptionParts.heldFile}). */
  readonly held: readonly HeldEvent[];
}

type Attempt =
  { readonly event: MatrixEvent } | { readonly code: DecryptionErrorCode | undefined; readonly reason: string };

/**
 * The decrypting side of the crypto: turns the `m.room.encrypted` events of a sync's timelines
 * into their plain form, and holds back those whose room key has not arrived yet (a remote
 * sender's to-device message can come after the event) until it does or their wait is over.
 */
export class TimelineDecryption {
  /**
   * Events waiting for their room key. Those of the last run wait again from the start: the key
   * may come with the first sync.
   */
  private deferred: HeldEvent[];
  /** The held events changed since they were last written (removals are written lazily). */
  private heldChanged = false;

  constructor(private readonly p: TimelineDecryptionParts) {
    const until = Date.now() + p.roomKeyWaitMs;
    this.deferred = p.held.map((item) => ({ ...item, until: Math.max(item.until, until) }));
  }

  /**
   * Replaces every `m.room.encrypted` event of the answer's timelines (but the bot's own) by its decrypted form
   * (same id, sender, time and `unsigned`; decrypted `type` and `content`), so the intake
   * handles it as a plain event. An event whose room key is missing is held back and retried
   * at each sync for `roomKeyWaitMs`, then appended to its room's timeline, decrypted or (its
   * key never came) still encrypted: the intake answers that with its notice, and it is logged
   * without content. Returns true when this sync held events back: they must be on disk before
   * the sync token moves past them.
   */
  async decryptTimelines(response: object): Promise<boolean> {
    const sync = response as CryptoSync;
    const now = Date.now();
    const waiting = this.deferred.splice(0);
    let added = false;
    for (const [roomId, room] of Object.entries(sync.rooms?.join ?? {})) {
      const events = room.timeline?.events;
      if (!events) continue;
      const kept: MatrixEvent[] = [];
      for (const event of events) {
        // The bot's own events (its replies coming back) are never handled: decrypting them is waste.
        if (event['type'] !== 'm.room.encrypted' || event['sender'] === this.p.userId) {
          kept.push(event);
          continue;
        }
        const attempt = await this.attempt(roomId, event);
        if ('event' in attempt) kept.push(attempt.event);
        else if (
          this.p.roomKeyWaitMs > 0 &&
          (attempt.code === DecryptionErrorCode.MissingRoomKey ||
            attempt.code === DecryptionErrorCode.UnknownMessageIndex)
        ) {
          this.p.logger.debug({ roomId, eventId: event['event_id'] }, 'waiting for the room key of a Matrix event');
          this.deferred.push({ roomId, event, until: now + this.p.roomKeyWaitMs });
          added = true;
        } else {
          this.logFailure(roomId, event, attempt);
          kept.push(event);
        }
      }
      events.splice(0, events.length, ...kept);
    }
    for (const item of waiting) {
      const attempt = await this.attempt(item.roomId, item.event);
      if (!('event' in attempt) && now < item.until) {
        this.deferred.push(item);
        continue;
      }
      this.heldChanged = true;
      if (!('event' in attempt)) this.logFailure(item.roomId, item.event, attempt);
      const rooms = (sync.rooms ??= {});
      const join = (rooms.join ??= {});
      const room = (join[item.roomId] ??= {});
      const timeline = (room.timeline ??= {});
      (timeline.events ??= []).push('event' in attempt ? attempt.event : item.event);
    }
    // The sync token moves past a held event once this sync is handled: it must be on disk first
    // (syncDurable, before the token). One handed on is dropped from the file at the next write;
    // handled twice it is de-duplicated.
    if (added) this.heldChanged = true;
    return added;
  }

  /** The decrypted form of an `m.room.encrypted` event, or the event itself (logged) when it does not decrypt. */
  async decryptEvent(roomId: string, event: MatrixEvent): Promise<MatrixEvent> {
    if (event['type'] !== 'm.room.encrypted') return event;
    const attempt = await this.attempt(roomId, event);
    if ('event' in attempt) return attempt.event;
    this.logFailure(roomId, event, attempt);
    return event;
  }

  /** Writes the held events when they changed since the last write; rejects (to be tried again) when it fails. */
  async saveHeld(): Promise<void> {
    if (!this.heldChanged) return;
    this.heldChanged = false;
    await this.p.heldFile.save(this.deferred).catch((err: unknown) => {
      this.heldChanged = true;
      throw err;
    });
  }

  private async attempt(roomId: string, event: MatrixEvent): Promise<Attempt> {
    try {
      const decrypted = await this.p.machine.decryptRoomEvent(
        JSON.stringify({ ...event, room_id: roomId }),
        new RoomId(roomId),
        new DecryptionSettings(TrustRequirement.Untrusted),
      );
      const plain = JSON.parse(decrypted.event) as { type?: unknown; content?: unknown };
      const content = (typeof plain.content === 'object' && plain.content !== null ? plain.content : {}) as MatrixEvent;
      const relation = (event['content'] as MatrixEvent | undefined)?.['m.relates_to'];
      if (content['m.relates_to'] === undefined && relation !== undefined) content['m.relates_to'] = relation;
      return { event: { ...event, type: String(plain.type), content } };
    } catch (err) {
      if (err instanceof MegolmDecryptionError) return { code: err.code, reason: err.description };
      return { code: undefined, reason: (err as Error).message };
    }
  }

  private logFailure(roomId: string, event: MatrixEvent, attempt: Exclude<Attempt, { event: MatrixEvent }>): void {
    this.p.logger.warn(
      { roomId, eventId: event['event_id'], sender: event['sender'], code: attempt.code, reason: attempt.reason },
      'could not decrypt a Matrix event',
    );
  }
}
