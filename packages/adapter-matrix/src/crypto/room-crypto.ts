import {
  Attachment,
  CollectStrategy,
  DecryptionErrorCode,
  DecryptionSettings,
  DeviceLists,
  EncryptionSettings,
  KeysClaimRequest,
  KeysQueryRequest,
  KeysUploadRequest,
  MegolmDecryptionError,
  OlmMachine,
  RoomId,
  RoomMessageRequest,
  SignatureUploadRequest,
  ToDeviceRequest,
  TrustRequirement,
  UserId,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Logger } from '@stats/core';
import type { MatrixClient } from 'matrix-bot-sdk';
import { classify, withRetry } from '../retry.js';
import { randomUUID } from 'node:crypto';
import { digest, serializeDumps, writeStoreFile, type StoreJournal, type StoreOwner } from './crypto-store-file.js';
import type { HeldEvent, HeldEventsFile } from './held-events.js';
import { deleteDatabases, IncrementalDump } from './indexeddb-dump.js';
import { captureWrites, takeWrites } from './indexeddb-journal.js';
import type { EncryptedAttachmentUpload, OutgoingEncryption, SealedEvent } from './outgoing-encryption.js';

/**
 * Messages one outbound Megolm session encrypts (`rotationPeriodMessages`, the crate's default):
 * then it has expired, and only a sharing step starts the next one.
 */
const SESSION_MESSAGES = 100;
/** After a send, share the room key again after this long (the crate rotates its session after a week). */
const RESHARE_EVERY_MS = 60 * 60 * 1000;
/** Before a send, share at the latest after this long (the after-send step failed or has not run). */
const RESHARE_BEFORE_SEND_MS = 24 * 60 * 60 * 1000;
/** How long a change may wait for its store write (changes within it share one write). */
const PERSIST_DELAY_MS = 250;
/**
 * The crate's IndexedDB object store of outbound Megolm sessions (one per room). Its records
 * are rewritten at every encrypted send, and a start drops them (start-crypto): the journal
 * leaves them out.
 */
export const OUTBOUND_SESSIONS_STORE = 'outbound_group_sessions';
const NOT_JOURNALED: ReadonlySet<string> = new Set([OUTBOUND_SESSIONS_STORE]);
/** The journal is folded into a new store file once it outgrows the file, and at least this size. */
const JOURNAL_MIN_BYTES = 256 * 1024;

type Outgoing =
  | KeysUploadRequest
  | KeysQueryRequest
  | KeysClaimRequest
  | ToDeviceRequest
  | SignatureUploadRequest
  | RoomMessageRequest;
type Event = Record<string, unknown>;

/** The parts of a `/sync` answer the crypto reads. */
interface CryptoSync {
  to_device?: { events?: unknown[] };
  device_lists?: { changed?: string[]; left?: string[] };
  device_one_time_keys_count?: Record<string, number>;
  device_unused_fallback_key_types?: string[];
  rooms?: { join?: Record<string, { timeline?: { events?: Event[] }; state?: { events?: Event[] } }> };
}

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

/** What {@link RoomCrypto} knows of the last key share of one room. */
interface RoomShare {
  /** The device-list generation in which the members' devices were last tracked and claimed. */
  generation: number;
  /** The member list (the cached promise) they were tracked for. */
  members: Promise<string[]>;
  /** When devices were last tracked and Olm sessions claimed for this room (Unix ms). */
  trackedAt: number;
  /** When the key was last shared (Unix ms). */
  at: number;
  /** The outbound session in use (read off the ciphertexts' `session_id`; empty before the first) and its messages. */
  sessionId: string;
  inSession: number;
  /** The to-device messages of a share sent outside the lock (after a send): resolves true when they went out. */
  pending: Promise<boolean> | undefined;
  /** A share failed: some device may lack the key, so the next send starts a new session and shares that. */
  failed: boolean;
}

type Attempt = { readonly event: Event } | { readonly code: DecryptionErrorCode | undefined; readonly reason: string };

/**
 * End-to-end encryption of one bot device on `@matrix-org/matrix-sdk-crypto-wasm`'s
 * `OlmMachine`, driven from the adapter's sync loop: feeds each sync's to-device events,
 * device-list changes and key counts in, sends the machine's requests (keys upload, query,
 * claim, to-device, signatures) one at a time and marks them sent, decrypts `m.room.encrypted`
 * timeline events in place, and encrypts outgoing events and attachments for encrypted rooms,
 * sharing the room key first with every device of the joined and invited members (trust on
 * first use).
 * The store is written off the reply path, as a journal of the IndexedDB writes since the
 * encrypted store file ({@link RoomCrypto.persist}): what a sync brought once its events were
 * handed on, before the next sync ({@link RoomCrypto.syncDurable}); a key share before its
 * to-device messages; the outbound steps of sends behind, changes within
 * {@link PERSIST_DELAY_MS} sharing one write.
 */
export class RoomCrypto implements OutgoingEncryption {
  private readonly encryptedRooms = new Map<string, Promise<boolean>>();
  private readonly members = new Map<string, Promise<string[]>>();
  private lock: Promise<unknown> = Promise.resolve();
  private lastDigest: string | undefined;
  private persisting: Promise<void> | undefined;
  private persistAgain = false;
  private closed = false;
  /** The write waiting for its delay, if any: `fire` starts it at once. */
  private scheduled: { readonly done: Promise<void>; readonly fire: () => void } | undefined;

  /** The key counts last fed in: a sync that repeats them (and brings nothing else) skips the machine. */
  private lastCounts = '';
  /** Bumped when device-list changes arrive: room keys may need sharing again. */
  private generation = 0;
  /** Per room: the state in which its key was last shared, and the outbound session in use. */
  private readonly shared = new Map<string, RoomShare>();
  /**
   * Events waiting for their room key (a remote sender's to-device message can come after the
   * event). Those of the last run wait again from the start: the key may come with the first sync.
   */
  private deferred: HeldEvent[];
  /** The held events changed since they were last written (removals are written lazily). */
  private heldChanged = false;
  /** The machine took something from a sync that is not on disk yet. */
  private syncUnsaved = false;
  /** Reads the IndexedDB copy again only where the machine wrote since the last write. */
  private readonly dumper: IncrementalDump;
  /** Key shares sending outside the lock (after a send). */
  private readonly behind = new Set<Promise<boolean>>();
  /** The next write is of the whole store (the first of a run, a failed journal append, the stop). */
  private wholeNext = true;
  /** The size of the store file last written (serialised, before encryption). */
  private wholeBytes = 0;

  constructor(private readonly p: RoomCryptoParts) {
    this.dumper = new IncrementalDump(p.storePrefix);
    captureWrites();
    const until = Date.now() + p.roomKeyWaitMs;
    this.deferred = p.held.map((item) => ({ ...item, until: Math.max(item.until, until) }));
  }

  /** The device id the machine runs as. */
  get deviceId(): string {
    return this.p.owner.deviceId;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async send(request: Outgoing): Promise<void> {
    const { client } = this.p;
    const call = (method: 'POST' | 'PUT', path: string, body: string): Promise<unknown> =>
      withRetry(() => client.doRequest(method, `/_matrix/client/v3${path}`, null, JSON.parse(body) as unknown), {
        what: 'crypto',
      });
    let answer: unknown;
    if (request instanceof KeysUploadRequest) answer = await call('POST', '/keys/upload', request.body);
    else if (request instanceof KeysQueryRequest) answer = await call('POST', '/keys/query', request.body);
    else if (request instanceof KeysClaimRequest) answer = await call('POST', '/keys/claim', request.body);
    else if (request instanceof SignatureUploadRequest)
      answer = await call('POST', '/keys/signatures/upload', request.body);
    else if (request instanceof ToDeviceRequest) {
      // Written ahead: an Olm message steps its session's ratchet, and one sent but not on disk
      // would be used again after a crash, which the recipient refuses (the room key in it lost).
      // A store that cannot be written is logged, and the message goes anyway.
      await this.persist().catch((err: unknown) =>
        this.p.logger.error({ err }, 'could not write the Matrix crypto store in DATA_DIR'),
      );
      answer = await call(
        'PUT',
        `/sendToDevice/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`,
        request.body,
      );
    } else {
      const path = `/rooms/${encodeURIComponent(request.room_id)}/send/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`;
      answer = await call('PUT', path, request.body);
    }
    if (request.id !== undefined)
      await this.p.machine.markRequestAsSent(request.id, request.type, JSON.stringify(answer));
  }

  /** Sends everything the machine has queued (call under the lock); returns how many. */
  private async flushRequests(): Promise<number> {
    const requests = (await this.p.machine.outgoingRequests()) as Outgoing[];
    for (const request of requests) await this.send(request);
    return requests.length;
  }

  /** Uploads the device's keys if needed (at start). */
  async initialRequests(): Promise<void> {
    await this.serial(() => this.flushRequests());
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
        if (event['type'] === 'm.room.encryption') this.encryptedRooms.set(roomId, Promise.resolve(true));
        if (event['type'] === 'm.room.member') this.members.delete(roomId);
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
    const touched = await this.serial(async () => {
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
      // arriving (to-device) does not, so it does not cost the next answer a sharing step. Bumped
      // once the machine holds the change: a share queued before it must not count as after it.
      if (changed.length + left.length > 0) this.generation += 1;
      const sent = await this.flushRequests();
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
    await this.flush().catch((err: unknown) =>
      this.p.logger.error({ err }, 'could not write the Matrix crypto store in DATA_DIR'),
    );
  }

  /**
   * Replaces every `m.room.encrypted` event of the answer's timelines (but the bot's own) by its decrypted form
   * (same id, sender, time and `unsigned`; decrypted `type` and `content`), so the intake
   * handles it as a plain event. An event whose room key is missing is held back and retried
   * at each sync for `roomKeyWaitMs`, then appended to its room's timeline, decrypted or (its
   * key never came) still encrypted: the intake answers that with its notice, and it is logged
   * without content.
   */
  async decryptTimelines(response: object): Promise<void> {
    const sync = response as CryptoSync;
    const now = Date.now();
    const waiting = this.deferred.splice(0);
    let added = false;
    for (const [roomId, room] of Object.entries(sync.rooms?.join ?? {})) {
      const events = room.timeline?.events;
      if (!events) continue;
      const kept: Event[] = [];
      for (const event of events) {
        // The bot's own events (its replies coming back) are never handled: decrypting them is waste.
        if (event['type'] !== 'm.room.encrypted' || event['sender'] === this.p.owner.userId) {
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
    if (added) {
      this.heldChanged = true;
      this.syncUnsaved = true;
    }
  }

  private async saveHeld(): Promise<void> {
    if (!this.heldChanged) return;
    this.heldChanged = false;
    await this.p.heldFile.save(this.deferred).catch((err: unknown) => {
      this.heldChanged = true;
      throw err;
    });
  }

  private async attempt(roomId: string, event: Event): Promise<Attempt> {
    try {
      const decrypted = await this.p.machine.decryptRoomEvent(
        JSON.stringify({ ...event, room_id: roomId }),
        new RoomId(roomId),
        new DecryptionSettings(TrustRequirement.Untrusted),
      );
      const plain = JSON.parse(decrypted.event) as { type?: unknown; content?: unknown };
      const content = (typeof plain.content === 'object' && plain.content !== null ? plain.content : {}) as Event;
      const relation = (event['content'] as Event | undefined)?.['m.relates_to'];
      if (content['m.relates_to'] === undefined && relation !== undefined) content['m.relates_to'] = relation;
      return { event: { ...event, type: String(plain.type), content } };
    } catch (err) {
      if (err instanceof MegolmDecryptionError) return { code: err.code, reason: err.description };
      return { code: undefined, reason: (err as Error).message };
    }
  }

  private logFailure(roomId: string, event: Event, attempt: Exclude<Attempt, { event: Event }>): void {
    this.p.logger.warn(
      { roomId, eventId: event['event_id'], sender: event['sender'], code: attempt.code, reason: attempt.reason },
      'could not decrypt a Matrix event',
    );
  }

  /** The decrypted form of an `m.room.encrypted` event, or the event itself (logged) when it does not decrypt. */
  async decryptEvent(roomId: string, event: Event): Promise<Event> {
    if (event['type'] !== 'm.room.encrypted') return event;
    const attempt = await this.attempt(roomId, event);
    if ('event' in attempt) return attempt.event;
    this.logFailure(roomId, event, attempt);
    return event;
  }

  /** True when the room has `m.room.encryption` (from the sync, else asked once). */
  isEncrypted(roomId: string): Promise<boolean> {
    let known = this.encryptedRooms.get(roomId);
    if (!known) {
      known = withRetry(() => this.p.client.getRoomStateEvent(roomId, 'm.room.encryption', ''), {
        what: 'room encryption state',
      }).then(
        () => true,
        (err: unknown) => {
          const failure = classify(err);
          if (failure.kind === 'permanent' && failure.status === 404) return false;
          this.encryptedRooms.delete(roomId);
          throw err;
        },
      );
      this.encryptedRooms.set(roomId, known);
    }
    return known;
  }

  /** Notes a room the bot created with `m.room.encryption` in its initial state (before its sync says so). */
  noteEncryptedRoom(roomId: string): void {
    this.encryptedRooms.set(roomId, Promise.resolve(true));
  }

  /**
   * The joined and invited members of a room (cached until a membership changes): an invitee
   * gets the key too, so the answer in a direct room the bot just opened reads once they join.
   */
  private recipients(roomId: string): Promise<string[]> {
    let known = this.members.get(roomId);
    if (!known) {
      known = withRetry(() => this.p.client.getAllRoomMembers(roomId), { what: 'room members' }).then((events) =>
        events
          .filter((e) => e.effectiveMembership === 'join' || e.effectiveMembership === 'invite')
          .map((e) => e.membershipFor),
      );
      known.catch(() => this.members.delete(roomId));
      this.members.set(roomId, known);
    }
    return known;
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
  ): Promise<ToDeviceRequest[]> {
    const { machine } = this.p;
    if (track) {
      await machine.updateTrackedUsers(members.map((u) => new UserId(u)));
      await this.flushRequests();
      const claim = await machine.getMissingSessions(members.map((u) => new UserId(u)));
      if (claim) await this.send(claim);
    }
    const settings = new EncryptionSettings();
    settings.sharingStrategy = CollectStrategy.allDevices();
    // Set, not the crate's default: the after-send rotation counts on it.
    settings.rotationPeriodMessages = BigInt(SESSION_MESSAGES);
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
   * share, and returns its to-device messages for the caller to send ({@link RoomCrypto.sendShare}).
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
    const requests = await this.roomKeyRequests(roomId, await members, track);
    // An expired or dropped session is replaced by this share: the next one counts from zero
    // (without this, the next send would see the old count and share a second time).
    const rotated = last === undefined || last.failed || last.inSession >= SESSION_MESSAGES;
    this.shared.set(roomId, {
      generation: track ? generation : (last?.generation ?? generation),
      members: track ? members : (last?.members ?? members),
      trackedAt: track ? at : (last?.trackedAt ?? at),
      at,
      sessionId: rotated ? '' : (last?.sessionId ?? ''),
      inSession: rotated ? 0 : (last?.inSession ?? 0),
      pending: undefined,
      failed: false,
    });
    return requests;
  }

  /** Sends a share's to-device messages; on failure notes it, so the next send shares again. */
  private async sendShare(roomId: string, requests: readonly ToDeviceRequest[]): Promise<void> {
    try {
      for (const request of requests) await this.send(request);
    } catch (err) {
      const entry = this.shared.get(roomId);
      if (entry) entry.failed = true;
      throw err;
    }
  }

  async encryptEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<SealedEvent | undefined> {
    if (!(await this.isEncrypted(roomId))) return undefined;
    // A share started after the previous send goes out first: its key must reach the devices
    // before anything encrypted under its session.
    await this.shared.get(roomId)?.pending;
    const sealed = await this.serial(async () => {
      await this.shared.get(roomId)?.pending;
      // Sharing costs several store transactions: before a send, only what the recipient set
      // depends on forces it (the first message, a new member, a device-list change, a failed
      // share); the next session after an expired one is started and shared after a send
      // (afterSend), and here only when that did not happen.
      const members = this.recipients(roomId);
      const last = this.shared.get(roomId);
      if (
        !last ||
        last.failed ||
        last.generation !== this.generation ||
        last.members !== members ||
        last.inSession >= SESSION_MESSAGES ||
        Date.now() - last.at > RESHARE_BEFORE_SEND_MS
      )
        await this.sendShare(roomId, await this.startShare(roomId, members));
      const sealed = JSON.parse(
        await this.p.machine.encryptRoomEvent(new RoomId(roomId), type, JSON.stringify(content)),
      ) as Record<string, unknown>;
      const entry = this.shared.get(roomId);
      if (entry) {
        const sessionId = String(sealed['session_id']);
        if (entry.sessionId !== sessionId) Object.assign(entry, { sessionId, inSession: 0 });
        entry.inSession += 1;
        // The session's last message: its successor is started and shared now, queued behind
        // this lock, while the message's PUT is in flight (the next send waits for the share).
        if (entry.inSession >= SESSION_MESSAGES)
          void this.afterSend(roomId).catch((err: unknown) =>
            this.p.logger.warn({ err, roomId }, 'could not share the room key again'),
          );
      }
      return sealed;
    });
    // Only the outbound session's message index moved: no write for it. Every start begins new
    // outbound sessions (start-crypto), so an index is never used twice whatever the file holds;
    // the next write (a sync's keys, a key share, the stop) takes it along.
    return { type: 'm.room.encrypted', content: sealed };
  }

  /**
   * After an encrypted event went out: shares the room key again when the session has
   * encrypted its {@link SESSION_MESSAGES} messages (the sharing step starts the next one) or
   * every {@link RESHARE_EVERY_MS}, so the rotation and its key sharing happen between answers,
   * not before one. (The count-triggered rotation is started already when the session's last
   * message is sealed, while its PUT is in flight; then this finds nothing due.) The share is
   * prepared under the lock and its to-device messages go out after it (a sync's keys are not
   * held up by the PUT); the room's next send waits for them. Rejects when they could not be
   * sent (the next send then shares again).
   */
  async afterSend(roomId: string): Promise<void> {
    const due = (): boolean => {
      const last = this.shared.get(roomId);
      return (
        last !== undefined &&
        last.pending === undefined &&
        !last.failed &&
        (last.inSession >= SESSION_MESSAGES || Date.now() - last.at > RESHARE_EVERY_MS)
      );
    };
    if (this.closed || !due()) return;
    let failure: { err: unknown } | undefined;
    // Wrapped: a promise returned as such would be awaited by the lock, holding it for the PUT.
    const started = await this.serial(async () => {
      if (this.closed || !due()) return undefined;
      const requests = await this.startShare(roomId, this.recipients(roomId));
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
      // Outside the lock: close() waits for it before it closes the machine.
      this.behind.add(sent);
      void sent.then(() => this.behind.delete(sent));
      return { sent };
    });
    if (started === undefined) return;
    await started.sent;
    void this.persistSoon().catch(() => undefined);
    if (failure) throw failure.err;
  }

  async encryptAttachment(roomId: string, bytes: Uint8Array): Promise<EncryptedAttachmentUpload | undefined> {
    if (!(await this.isEncrypted(roomId))) return undefined;
    const encrypted = Attachment.encrypt(bytes);
    const info = JSON.parse(encrypted.mediaEncryptionInfo ?? '{}') as Record<string, unknown>;
    const data = encrypted.encryptedData;
    encrypted.free();
    return { data, file: (url) => ({ ...info, url }) };
  }

  /**
   * Writes the store and the held events within {@link PERSIST_DELAY_MS}: changes within it
   * share one write. Resolves once the writes before the call are on disk; a failure is logged
   * here and rejects.
   */
  private persistSoon(): Promise<void> {
    if (this.closed) return Promise.resolve(); // close() wrote the last state
    if (this.scheduled) return this.scheduled.done;
    let fire: () => void = () => {};
    const fired = new Promise<void>((resolve) => (fire = resolve));
    const timer = setTimeout(fire, PERSIST_DELAY_MS);
    const done = fired.then(async () => {
      clearTimeout(timer);
      // Changes from here on wait for the next write: this one may already have read their stores.
      this.scheduled = undefined;
      try {
        await this.saveHeld();
        await this.persist();
      } catch (err) {
        this.p.logger.error({ err }, 'could not write the Matrix crypto store in DATA_DIR');
        throw err;
      }
    });
    this.scheduled = { done, fire };
    return done;
  }

  /** Starts a write waiting for its delay at once, and resolves when everything so far is on disk. */
  async flush(): Promise<void> {
    const scheduled = this.scheduled;
    scheduled?.fire();
    await scheduled?.done.catch(() => undefined); // tried again just below
    await this.saveHeld();
    await this.persist();
  }

  /**
   * Puts what the machine wrote on disk: the writes committed since the last call appended to
   * the journal as one record (a few KB, one `fdatasync`), or, for the first write of a run,
   * after a schema change, a failed append or once the journal outgrew the store file, the
   * whole store dumped into a new store file that starts a new journal. Concurrent calls
   * coalesce; the returned promise resolves once everything written before the call is on disk.
   */
  async persist(): Promise<void> {
    if (this.persisting !== undefined) {
      this.persistAgain = true;
      while (this.persisting !== undefined) await this.persisting;
      return;
    }
    this.persisting = (async () => {
      do {
        this.persistAgain = false;
        await this.writeOnce();
      } while (this.persistAgain);
    })().finally(() => {
      this.persisting = undefined;
    });
    await this.persisting;
  }

  private async writeOnce(): Promise<void> {
    const { journal } = this.p;
    // Taken before the dump reads the stores: a whole write holds them, a journal record has them.
    const { ops, reshaped } = takeWrites(this.p.storePrefix, NOT_JOURNALED);
    if (this.wholeNext || reshaped || journal.bytes > Math.max(JOURNAL_MIN_BYTES, this.wholeBytes)) {
      this.wholeNext = true;
      await this.writeWhole(ops.length > 0);
      this.wholeNext = false;
      return;
    }
    if (ops.length === 0) return;
    try {
      await journal.append(serializeDumps(ops));
    } catch (err) {
      // Those writes are lost to the journal (and a torn record ends it): the next write is whole.
      this.wholeNext = true;
      throw err;
    }
  }

  /** Dumps the whole store into a new store file and starts its journal (skipped when nothing changed). */
  private async writeWhole(wrote: boolean): Promise<void> {
    const { databases, changed } = await this.dumper.dump();
    if (!wrote && !changed && this.p.journal.bytes === 0 && this.lastDigest !== undefined) return;
    const plain = serializeDumps(databases);
    const sum = digest(plain);
    if (sum === this.lastDigest && this.p.journal.bytes === 0) return;
    const epoch = randomUUID();
    await writeStoreFile(this.p.storeFile, this.p.storeKey, this.p.owner, plain, undefined, epoch);
    this.lastDigest = sum;
    this.wholeBytes = plain.length;
    // The file holds everything the journal had: a crash before this leaves old-epoch records, which do not open.
    await this.p.journal.restart(epoch);
  }

  /** Writes the store a last time, closes the machine and frees the in-memory copy. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lock;
    await Promise.all([...this.behind]);
    // The stop folds the journal into the store file: the next start reads one file.
    if (this.p.journal.bytes > 0) this.wholeNext = true;
    await this.flush().catch((err: unknown) =>
      this.p.logger.error({ err }, 'could not write the Matrix crypto store in DATA_DIR'),
    );
    await this.p.journal.close().catch(() => undefined);
    takeWrites(this.p.storePrefix);
    this.p.machine.close();
    await deleteDatabases(this.p.storePrefix).catch(() => undefined);
  }
}
