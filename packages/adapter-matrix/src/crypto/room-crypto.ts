import { Attachment, DeviceLists, type OlmMachine, RoomId, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Logger } from '@stats/core';
import type { MatrixClient } from 'matrix-bot-sdk';
import type { StoreJournal, StoreOwner } from './crypto-store-file.js';
import type { CryptoSync, MatrixEvent } from './crypto-sync.js';
import { DelayedWrite, STORE_WRITE_FAILED } from './delayed-write.js';
import { EncryptedRooms } from './encrypted-rooms.js';
import type { HeldEvent, HeldEventsFile } from './held-events.js';
import { deleteDatabases } from './indexeddb-dump.js';
import { captureWrites, takeWrites } from './indexeddb-journal.js';
import type { EncryptedAttachmentUpload, OutgoingEncryption, SealedEvent } from './outgoing-encryption.js';
import { RequestSender } from './request-sender.js';
import { RoomKeySharing } from './room-key-sharing.js';
import { RoomMembers } from './room-members.js';
import { SerialLock } from './serial-lock.js';
import { StoreWriter } from './store-writer.js';
import { TimelineDecryption } from './timeline-decryption.js';

/** What {@link RoomCrypto} is built from (see `startRoomCrypto`). */
export interface RoomCryptoParts {
  readonly machine: OlmMachine;
  readonly client: MatrixClient;
  readonly logger: Logger;
  readonly owner: StoreOwner;
  readonly storeKey: Uint8Array;
  readonly storeFile: string;
  /** The journal of the writes since the store file was written (continued from the restored one). */
  readonly journal: StoreJournal;
  /** The IndexedDB name prefix of this process's copy of the store (`<name>::`). */
  readonly storePrefix: string;
  /** How long an event whose room key has not arrived waits for it (retried at each sync). */
  readonly roomKeyWaitMs: number;
  /** Where events waiting for their room key are kept across restarts. */
  readonly heldFile: HeldEventsFile;
  /** The events that were waiting when the process stopped (from {@link RoomCryptoParts.heldFile}). */
  readonly held: readonly HeldEvent[];
}

/**
 * End-to-end encryption of one bot device on `@matrix-org/matrix-sdk-crypto-wasm`'s
 * `OlmMachine`, driven from the adapter's sync loop: feeds each sync's to-device events,
 * device-list changes and key counts in, sends the machine's requests (keys upload, query,
 * claim, to-device, signatures) one at a time and marks them sent ({@link RequestSender}),
 * decrypts `m.room.encrypted` timeline events in place ({@link TimelineDecryption}), and
 * encrypts outgoing events and attachments for encrypted rooms, sharing the room key first with
 * every device of the joined and invited members, trust on first use ({@link RoomKeySharing}).
 * The machine's work runs one piece at a time ({@link SerialLock}).
 * The store is written off the reply path, as a journal of the IndexedDB writes since the
 * encrypted store file ({@link StoreWriter}): what a sync brought once its events were
 * handed on, before the next sync ({@link RoomCrypto.syncDurable}); a key share before its
 * to-device messages; the outbound steps of sends behind, changes within a short delay sharing
 * one write ({@link DelayedWrite}).
 */
export class RoomCrypto implements OutgoingEncryption {
  private readonly lock = new SerialLock();
  private readonly requests: RequestSender;
  private readonly encryptedRooms: EncryptedRooms;
  private readonly members: RoomMembers;
  private readonly sharing: RoomKeySharing;
  private readonly decryption: TimelineDecryption;
  private readonly store: StoreWriter;
  private readonly writes: DelayedWrite;
  private closed = false;
  /** The key counts last fed in: a sync that repeats them (and brings nothing else) skips the machine. */
  private lastCounts = '';
  /** The machine took something from a sync that is not on disk yet. */
  private syncUnsaved = false;

  constructor(private readonly p: RoomCryptoParts) {
    captureWrites();
    this.store = new StoreWriter(p);
    // Through this.persist and this.afterSend (not the parts' own): every write and every
    // after-send step of the crypto passes the methods bench/tools/matrix-stages.ts times.
    this.writes = new DelayedWrite(async () => {
      await this.decryption.saveHeld();
      await this.persist();
    }, p.logger);
    // Written ahead of each to-device message; a store that cannot be written is logged, and
    // the message goes anyway.
    this.requests = new RequestSender({
      machine: p.machine,
      client: p.client,
      beforeToDevice: () => this.persist().catch((err: unknown) => p.logger.error({ err }, STORE_WRITE_FAILED)),
    });
    this.encryptedRooms = new EncryptedRooms(p.client);
    this.members = new RoomMembers(p.client);
    this.sharing = new RoomKeySharing({
      machine: p.machine,
      logger: p.logger,
      lock: this.lock,
      requests: this.requests,
      members: this.members,
      rotation: (roomId) => this.encryptedRooms.rotation(roomId),
      persistSoon: () => this.writes.soon(),
    });
    this.decryption = new TimelineDecryption({ ...p, userId: p.owner.userId });
  }

  /** The device id the machine runs as. */
  get deviceId(): string {
    return this.p.owner.deviceId;
  }

  /** Uploads the device's keys if needed (at start). */
  async initialRequests(): Promise<void> {
    await this.lock.run(() => this.requests.flush());
    await this.persist();
  }

  /**
   * Feeds one `/sync` answer into the machine (before its events are handled), sends what it
   * asks for, and notes encryption and membership changes. The store is written by
   * {@link RoomCrypto.syncDurable} after the events were handed on: room keys that arrived are
   * on disk before the next sync acknowledges them, without delaying the answers.
   */
  async receiveSync(response: object): Promise<void> {
    const sync = response as CryptoSync;
    for (const [roomId, room] of Object.entries(sync.rooms?.join ?? {})) {
      for (const event of [...(room.state?.events ?? []), ...(room.timeline?.events ?? [])]) {
        if (event['type'] === 'm.room.encryption') this.encryptedRooms.note(roomId, event['content']);
        if (event['type'] === 'm.room.member') this.members.forget(roomId);
      }
    }
    const toDevice = sync.to_device?.events ?? [];
    const counts = JSON.stringify([
      sync.device_one_time_keys_count ?? {},
      sync.device_unused_fallback_key_types ?? null,
    ]);
    const news =
      toDevice.length > 0 ||
      (sync.device_lists?.changed ?? []).length > 0 ||
      (sync.device_lists?.left ?? []).length > 0 ||
      counts !== this.lastCounts;
    // Each call into the machine costs IndexedDB transactions: a plain room's sync should not pay them.
    if (!news) return;
    this.lastCounts = counts;
    const touched = await this.lock.run(async () => {
      const changed = (sync.device_lists?.changed ?? []).map((u) => new UserId(u));
      const left = (sync.device_lists?.left ?? []).map((u) => new UserId(u));
      const keyCounts = new Map(Object.entries(sync.device_one_time_keys_count ?? {}));
      const fallback = sync.device_unused_fallback_key_types;
      await this.p.machine.receiveSyncChanges(
        JSON.stringify(toDevice),
        new DeviceLists(changed, left),
        keyCounts,
        fallback === undefined ? undefined : new Set(fallback),
      );
      // Who holds which device is what decides whom the key goes to; a room key or an Olm message
      // arriving (to-device) does not, so it does not cost the next answer a sharing step.
      if (changed.length + left.length > 0) this.sharing.noteDeviceListChange();
      const sent = await this.requests.flush();
      return toDevice.length > 0 || changed.length > 0 || left.length > 0 || sent > 0;
    });
    // A sync that brought nothing for the machine changed nothing worth a write.
    if (touched) this.syncUnsaved = true;
  }

  /**
   * Writes what the last sync gave the machine (room keys, Olm sessions, held events) at once,
   * joining a write waiting for its delay (a journal record of a few KB); call after the sync's
   * events were handed on (their answers do not wait for it) and before the next `/sync`, which
   * acknowledges the sync's to-device messages: a restart never misses keys the homeserver has
   * already deleted. A failed write is logged and does not stall the sync loop.
   */
  async syncDurable(): Promise<void> {
    if (!this.syncUnsaved) return;
    this.syncUnsaved = false;
    await this.flush().catch((err: unknown) => this.p.logger.error({ err }, STORE_WRITE_FAILED));
  }

  /** See {@link TimelineDecryption.decryptTimelines}; held events are written by the next {@link RoomCrypto.syncDurable}. */
  async decryptTimelines(response: object): Promise<void> {
    if (await this.decryption.decryptTimelines(response)) this.syncUnsaved = true;
  }

  /** The decrypted form of an `m.room.encrypted` event, or the event itself (logged) when it does not decrypt. */
  decryptEvent(roomId: string, event: MatrixEvent): Promise<MatrixEvent> {
    return this.decryption.decryptEvent(roomId, event);
  }

  /** True when the room has `m.room.encryption` (from the sync, else asked once). */
  isEncrypted(roomId: string): Promise<boolean> {
    return this.encryptedRooms.isEncrypted(roomId);
  }

  /** Notes a room the bot created with `m.room.encryption` in its initial state (before its sync says so). */
  noteEncryptedRoom(roomId: string): void {
    this.encryptedRooms.note(roomId, undefined); // created without rotation settings: the defaults
  }

  async encryptEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<SealedEvent | undefined> {
    if (!(await this.isEncrypted(roomId))) return undefined;
    // A share started after the previous send goes out first: its key must reach the devices
    // before anything encrypted under its session.
    await this.sharing.sendingShare(roomId);
    const sealed = await this.lock.run(async () => {
      await this.sharing.shareBeforeSend(roomId);
      const sealed = JSON.parse(
        await this.p.machine.encryptRoomEvent(new RoomId(roomId), type, JSON.stringify(content)),
      ) as Record<string, unknown>;
      if (this.sharing.noteSealed(roomId, String(sealed['session_id'])))
        void this.afterSend(roomId).catch((err: unknown) =>
          this.p.logger.warn({ err, roomId }, 'could not share the room key again'),
        );
      return sealed;
    });
    // Only the outbound session's message index moved: no write for it. Every start begins new
    // outbound sessions (start-crypto), so an index is never used twice whatever the file holds;
    // the next write (a sync's keys, a key share, the stop) takes it along.
    return { type: 'm.room.encrypted', content: sealed };
  }

  /** See {@link RoomKeySharing.afterSend}. */
  async afterSend(roomId: string): Promise<void> {
    await this.sharing.afterSend(roomId);
  }

  async encryptAttachment(roomId: string, bytes: Uint8Array): Promise<EncryptedAttachmentUpload | undefined> {
    if (!(await this.isEncrypted(roomId))) return undefined;
    const encrypted = Attachment.encrypt(bytes);
    const info = JSON.parse(encrypted.mediaEncryptionInfo ?? '{}') as Record<string, unknown>;
    const data = encrypted.encryptedData;
    encrypted.free();
    return { data, file: (url) => ({ ...info, url }) };
  }

  /** Starts a write waiting for its delay at once, and resolves when everything so far is on disk. */
  async flush(): Promise<void> {
    await this.writes.flush();
  }

  /** See {@link StoreWriter.persist}. */
  async persist(): Promise<void> {
    await this.store.persist();
  }

  /** Writes the store a last time, closes the machine and frees the in-memory copy. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sharing.close();
    this.writes.close(); // this close writes the last state
    await this.lock.settled();
    await this.sharing.settled();
    // The stop folds the journal into the store file: the next start reads one file.
    this.store.foldJournalNext();
    await this.flush().catch((err: unknown) => this.p.logger.error({ err }, STORE_WRITE_FAILED));
    await this.p.journal.close().catch(() => undefined);
    takeWrites(this.p.storePrefix);
    this.p.machine.close();
    await deleteDatabases(this.p.storePrefix).catch(() => undefined);
  }
}
