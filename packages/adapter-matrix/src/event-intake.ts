import type { AdapterMetrics, IncomingMessage, Logger } from '@stats/core';
import { createIntakeGate, type IntakeGate } from '@stats/core/adapter';
import type { MatrixClient } from 'matrix-bot-sdk';
import type { DirectRooms } from './direct-rooms.js';
import { commandText, contentOf, mentionsBot, sentAt, withoutLeadingMention, type BotIdentity } from './incoming.js';
import { withRetry } from './retry.js';
import { matrixSdkError } from './sdk-errors.js';
import { stableTxnId, type MatrixSender } from './sender.js';
import type { SyncResponse } from './sync-client.js';
import type { SyncStateStore } from './sync-state-store.js';

/** The plain notice an encrypted room gets (once a day at most). */
export const ENCRYPTED_ROOM_NOTICE =
  'This room is end-to-end encrypted, and I cannot read encrypted messages. Please talk to me in an unencrypted room or a direct chat without encryption.';

const ENCRYPTED_NOTICE_EVERY_MS = 24 * 60 * 60 * 1000;
const BACKFILL_PAGES = 10;
const BACKFILL_PAGE_SIZE = 100;

/** What the intake needs. */
export interface IntakeOptions {
  readonly client: MatrixClient;
  readonly store: SyncStateStore;
  readonly sender: MatrixSender;
  readonly direct: DirectRooms;
  readonly bot: BotIdentity;
  readonly logger: Logger;
  readonly metrics: AdapterMetrics | undefined;
  readonly now: () => number;
  /** The catch-up window (default the core's). */
  readonly catchUpWindowMs: number | undefined;
  readonly allowedInviters: readonly string[] | undefined;
  readonly startedAt: number;
  readonly deliver: (message: IncomingMessage) => Promise<void>;
  /** The notice for an event still encrypted (default {@link ENCRYPTED_ROOM_NOTICE}; another when decryption runs but failed). */
  readonly encryptedNotice?: string;
  /** False once the adapter stops receiving: events seen then stay unhandled for the next start. */
  readonly accepting: () => boolean;
}

/** True when `inviter` may invite the bot: listed by user id, or its homeserver is listed. */
export function inviterAllowed(inviter: string, allowed: readonly string[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return true;
  const server = inviter.slice(inviter.indexOf(':') + 1).toLowerCase();
  return allowed.some((entry) => {
    const e = entry.trim();
    return e.startsWith('@') ? e === inviter : e.replace(/^:/, '').toLowerCase() === server;
  });
}

/**
 * Turns what the sync loop sees into the bot's messages: drops own events and notices; the
 * core's intake gate drops history older than the catch-up window and events already handled
 * (ids kept in DATA_DIR by the {@link SyncStateStore}); Matrix adds its own cutoffs (nothing
 * from before the first start, nor from before the bot joined the room). Autojoins allowed
 * invites; answers encrypted rooms with one notice.
 */
export class EventIntake {
  private readonly joinedAt = new Map<string, number>();
  private readonly gate: IntakeGate;
  private syncRequestedAt: number;

  constructor(private readonly o: IntakeOptions) {
    this.syncRequestedAt = o.startedAt;
    this.gate = createIntakeGate({
      platform: 'matrix',
      log: o.store,
      catchUpWindowMs: o.catchUpWindowMs,
      now: o.now,
      metrics: o.metrics,
    });
  }

  /** Notes when a `/sync` was requested: an invite it brings arrived after that. */
  beforeSyncRequest(): void {
    this.syncRequestedAt = this.o.now();
  }

  /** Matrix's own cutoff in a room: the first start, or when the bot joined the room. */
  private notBefore(roomId: string): number {
    return Math.max(this.o.store.firstStart ? this.o.startedAt : 0, this.joinedAt.get(roomId) ?? 0);
  }

  /** The earliest send time answered in a room. */
  cutoff(roomId: string): number {
    return this.gate.cutoff(this.notBefore(roomId));
  }

  private drop(reason: string): void {
    this.o.metrics?.messagesDropped.inc({ platform: 'matrix', reason });
  }

  /** One event emitted by the SDK while it processes a sync. Never throws. */
  async onEvent(type: string, payload: readonly unknown[]): Promise<void> {
    const roomId = String(payload[0]);
    const event = (payload[1] ?? {}) as Record<string, unknown>;
    try {
      if (type === 'room.invite') await this.onInvite(roomId, event);
      else if (type === 'room.join' && !this.joinedAt.has(roomId))
        this.joinedAt.set(roomId, sentAt(event, this.o.now()));
      else if (type === 'room.event') await this.onRoomEvent(roomId, event);
      else if (type === 'account_data' && (payload[0] as { type?: unknown } | undefined)?.type === 'm.direct')
        this.o.direct.accountDataChanged();
    } catch (err) {
      this.o.logger.error({ err: matrixSdkError(err, type), roomId, type }, 'could not handle a Matrix event');
    }
  }

  private async onInvite(roomId: string, event: Record<string, unknown>): Promise<void> {
    const inviter = String(event['sender']);
    this.o.direct.noteInvite(roomId, contentOf(event)['is_direct'] === true);
    if (!inviterAllowed(inviter, this.o.allowedInviters)) {
      this.o.logger.info({ roomId, inviter }, 'declining an invite from an inviter not in MATRIX_ALLOWED_INVITERS');
      await this.o.client
        .leaveRoom(roomId)
        .catch((err: unknown) =>
          this.o.logger.warn({ err: matrixSdkError(err, 'leave'), roomId }, 'could not decline an invite'),
        );
      return;
    }
    // The invite arrived while this sync was pending; messages from before it are not answered.
    this.joinedAt.set(roomId, this.syncRequestedAt);
    await withRetry(() => this.o.client.joinRoom(roomId), { what: 'join' });
    this.o.logger.info({ roomId, inviter }, 'joined a room on invite');
  }

  private async onRoomEvent(roomId: string, event: Record<string, unknown>): Promise<void> {
    if (event['type'] === 'm.room.member') this.o.direct.membershipChanged(roomId);
    const encrypted = event['type'] === 'm.room.encrypted';
    const text = commandText(event);
    if (!encrypted && text === undefined) return;
    if (event['sender'] === this.o.bot.userId) return this.drop('own');
    if (!this.o.accepting()) return;
    const eventId = String(event['event_id']);
    const at = sentAt(event, this.o.now());
    if ((await this.gate.admit(eventId, at, this.notBefore(roomId))) !== 'handle') return;
    if (encrypted) {
      await this.gate.finish(eventId, at);
      return this.noticeEncrypted(roomId, eventId);
    }
    this.dispatch(roomId, event, text ?? '', at);
  }

  private async noticeEncrypted(roomId: string, eventId: string): Promise<void> {
    const key = `encrypted-notice:${roomId}`;
    const last = Number(this.o.store.readValue(key) ?? 0);
    if (this.o.now() - last < ENCRYPTED_NOTICE_EVERY_MS) return this.drop('encrypted');
    this.o.store.storeValue(key, String(this.o.now()));
    this.drop('encrypted');
    await this.o.sender.sendEvent(
      roomId,
      'm.room.message',
      { msgtype: 'm.notice', body: this.o.encryptedNotice ?? ENCRYPTED_ROOM_NOTICE, 'm.mentions': {} },
      stableTxnId(`encrypted ${eventId}`, 0),
    );
  }

  private dispatch(roomId: string, event: Record<string, unknown>, text: string, at: number): void {
    const eventId = String(event['event_id']);
    this.o.store.markPending(eventId, { roomId, eventId, sentAt: at });
    void this.run(roomId, event, text, at)
      .then(() => this.gate.finish(eventId, at))
      .catch((err: unknown) => this.o.logger.error({ err, roomId }, 'could not record a Matrix event as handled'));
  }

  private async run(roomId: string, event: Record<string, unknown>, text: string, at: number): Promise<void> {
    const { logger, bot } = this.o;
    const senderId = String(event['sender']);
    try {
      const content = contentOf(event);
      const message: IncomingMessage = {
        platform: 'matrix',
        id: String(event['event_id']),
        room: { platform: 'matrix', id: roomId },
        sender: { platform: 'matrix', id: senderId },
        text: withoutLeadingMention(content, text, bot),
        isDirect: await this.o.direct.isDirect(roomId),
        receivedAt: at,
        mentionsBot: mentionsBot(content, text, bot),
        raw: event,
      };
      await this.o.deliver(message);
    } catch (err) {
      logger.error(
        { err: matrixSdkError(err, 'message'), roomId, eventId: event['event_id'] },
        'the bot failed on a Matrix message',
      );
    }
  }

  /** Answers events that were being answered when the process stopped (fetched again by id). */
  async replayPending(): Promise<void> {
    for (const pending of this.o.store.pending()) {
      if ((await this.gate.admit(pending.eventId, pending.sentAt, this.notBefore(pending.roomId))) !== 'handle')
        continue;
      try {
        const event = (await this.o.client.getEvent(pending.roomId, pending.eventId)) as Record<string, unknown>;
        const text = commandText(event);
        if (text === undefined) await this.gate.finish(pending.eventId, pending.sentAt);
        else this.dispatch(pending.roomId, event, text, pending.sentAt);
      } catch (err) {
        this.o.logger.warn(
          { err: matrixSdkError(err, 'getEvent'), roomId: pending.roomId },
          'could not fetch an unanswered event again',
        );
        await this.gate.finish(pending.eventId, pending.sentAt);
      }
    }
  }

  /**
   * Fills a limited timeline (more events arrived than the sync returned) from `/messages`,
   * back to the catch-up cutoff, so a burst loses no command. Initial syncs are skipped: on a
   * first start nothing before it is answered, and a restart's handled ids cover the rest.
   */
  async backfill(response: SyncResponse, since: string | null): Promise<void> {
    if (since === null) return;
    for (const [roomId, room] of Object.entries(response.rooms?.join ?? {})) {
      const timeline = room.timeline;
      if (!timeline?.limited || timeline.prev_batch === undefined) continue;
      const events = timeline.events ?? [];
      const known = new Set(events.map((e) => e['event_id']));
      const older: Record<string, unknown>[] = [];
      let from: string | undefined = timeline.prev_batch;
      const cutoff = this.cutoff(roomId);
      for (let page = 0; page < BACKFILL_PAGES && from !== undefined; page += 1) {
        const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`;
        const answer = (await withRetry(
          () => this.o.client.doRequest('GET', path, { from, dir: 'b', limit: BACKFILL_PAGE_SIZE }),
          { what: 'backfill' },
        )) as {
          chunk?: Record<string, unknown>[];
          end?: string;
        };
        const chunk = answer.chunk ?? [];
        let reachedCutoff = chunk.length === 0;
        for (const event of chunk) {
          if (sentAt(event, this.o.now()) < cutoff) reachedCutoff = true;
          else if (!known.has(event['event_id'])) older.push(event);
        }
        if (reachedCutoff) break;
        from = answer.end;
      }
      this.o.logger.debug({ roomId, backfilled: older.length }, 'filled a limited timeline');
      timeline.events = [...older.reverse(), ...events];
    }
  }
}
