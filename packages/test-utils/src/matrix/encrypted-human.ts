import {
  Attachment,
  DecryptionSettings,
  DeviceId,
  DeviceLists,
  EncryptedAttachment,
  EncryptionSettings,
  initAsync,
  KeysClaimRequest,
  KeysQueryRequest,
  KeysUploadRequest,
  OlmMachine,
  RequestType,
  RoomId,
  RoomMessageRequest,
  SignatureUploadRequest,
  ToDeviceRequest,
  TrustRequirement,
  UserId,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import { randomBytes } from 'node:crypto';
import { waitUntil } from '../wait-until.js';
import type { MatrixHomeserver } from './homeserver.js';
import type { CreateRoomOptions } from './homeserver-state.js';

/** A room event the human decrypted (or a plain one it received). */
export interface ReceivedEvent {
  readonly roomId: string;
  readonly eventId: string;
  readonly sender: string;
  /** The decrypted type (`m.room.message`) or the plain event's type. */
  readonly type: string;
  readonly content: Record<string, unknown>;
  /** True when it arrived as `m.room.encrypted` and was decrypted. */
  readonly encrypted: boolean;
}

/**
 * A human with a real client crypto stack: an `OlmMachine` of
 * `@matrix-org/matrix-sdk-crypto-wasm` (in memory) that uploads its device keys, syncs over
 * HTTP with its own access token and device, claims one-time keys, shares Megolm room keys by
 * to-device messages and decrypts what it receives, as Element does. Room membership acts on
 * the stand-in's state directly (it is not under test).
 */
export interface EncryptedHuman {
  readonly userId: string;
  readonly deviceId: string;
  readonly token: string;
  /** Creates a room as this user (encrypted unless `encrypted: false`). */
  createRoom(options?: CreateRoomOptions): string;
  invite(roomId: string, userId: string, direct?: boolean): void;
  join(roomId: string): void;
  /** Sends an encrypted `m.text` (or any content); resolves to the event id. */
  say(roomId: string, text: string): Promise<string>;
  /**
   * Sends an encrypted event with this content. `withholdKey` shares the room key with nobody
   * (the others cannot decrypt it, as with a device that never sent its keys).
   */
  sendEncrypted(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    options?: { withholdKey?: boolean },
  ): Promise<string>;
  /** Everything received so far, oldest first. */
  readonly received: readonly ReceivedEvent[];
  /** Resolves with the first received event that matches (already received or to come). */
  waitFor(
    predicate: (event: ReceivedEvent) => boolean,
    options?: { timeoutMs?: number; what?: string },
  ): Promise<ReceivedEvent>;
  /** Resolves with the decrypted reply (`m.in_reply_to`) to an event. */
  waitForReply(eventId: string, options?: { timeoutMs?: number }): Promise<ReceivedEvent>;
  /** Downloads and decrypts an encrypted attachment (`content.file`) from the stand-in. */
  decryptAttachment(file: Record<string, unknown>): Uint8Array;
  /** Events that could not be decrypted yet (their keys have not arrived). */
  readonly undecrypted: number;
  /** Stops the sync loop and frees the machine. */
  stop(): Promise<void>;
}

type Outgoing =
  | KeysUploadRequest
  | KeysQueryRequest
  | KeysClaimRequest
  | ToDeviceRequest
  | SignatureUploadRequest
  | RoomMessageRequest;

/**
 * Starts an {@link EncryptedHuman}: a new user (or, with `sameUserAs`, a second device and
 * access token of an existing one) whose device keys are uploaded before this resolves.
 *
 * @example
 * const alice = await startEncryptedHuman(hs, 'alice');
 * const dm = alice.createRoom({ invite: [hs.bot.userId], direct: true });
 * await hs.waitFor((e) => e['room_id'] === dm && e['state_key'] === hs.bot.userId);
 * const id = await alice.say(dm, '!help');
 * const reply = await alice.waitForReply(id);
 */
export async function startEncryptedHuman(
  hs: MatrixHomeserver,
  localpart: string,
  options: { deviceId?: string; sameUserAs?: string } = {},
): Promise<EncryptedHuman> {
  await initAsync();
  const state = hs.state;
  const deviceId = options.deviceId ?? `DEV${randomBytes(4).toString('hex').toUpperCase()}`;
  let userId: string;
  let token: string;
  if (options.sameUserAs !== undefined) {
    userId = options.sameUserAs;
    token = `syt_${localpart}_${randomBytes(8).toString('hex')}`;
    state.tokens.set(token, userId);
  } else {
    const user = state.addUser(localpart, localpart);
    userId = user.userId;
    token = user.token;
  }
  state.e2ee.bindToken(token, deviceId);
  const machine = await OlmMachine.initialize(new UserId(userId), new DeviceId(deviceId));
  const received: ReceivedEvent[] = [];
  const listeners = new Set<(event: ReceivedEvent) => void>();
  const pending: { roomId: string; event: Record<string, unknown> }[] = [];
  const halt = new AbortController();
  // One controller per request (fetch leaves a listener on the signal it is given, so a
  // long-lived signal would collect thousands); stop() aborts the one in flight.
  let inflight: AbortController | undefined;
  let lock: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = lock.then(work, work);
    lock = run.catch(() => undefined);
    return run;
  };

  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    if (halt.signal.aborted) throw new Error('stopped');
    const controller = new AbortController();
    inflight = controller;
    const response = await fetch(`${hs.url}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: controller.signal,
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  const sendRequest = async (request: Outgoing): Promise<void> => {
    let answer: Record<string, unknown>;
    if (request instanceof KeysUploadRequest) answer = await call('POST', '/keys/upload', request.body);
    else if (request instanceof KeysQueryRequest) answer = await call('POST', '/keys/query', request.body);
    else if (request instanceof KeysClaimRequest) answer = await call('POST', '/keys/claim', request.body);
    else if (request instanceof SignatureUploadRequest)
      answer = await call('POST', '/keys/signatures/upload', request.body);
    else if (request instanceof ToDeviceRequest) {
      answer = await call(
        'PUT',
        `/sendToDevice/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`,
        request.body,
      );
    } else {
      const path = `/rooms/${encodeURIComponent(request.room_id)}/send/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`;
      answer = await call('PUT', path, request.body);
    }
    if (request.id !== undefined) await machine.markRequestAsSent(request.id, request.type, JSON.stringify(answer));
  };
  const flush = async (): Promise<void> => {
    for (const request of (await machine.outgoingRequests()) as Outgoing[]) await sendRequest(request);
  };

  const emit = (event: ReceivedEvent): void => {
    received.push(event);
    for (const listener of [...listeners]) listener(event);
  };
  const tryDecrypt = async (roomId: string, event: Record<string, unknown>): Promise<boolean> => {
    try {
      const decrypted = await machine.decryptRoomEvent(
        JSON.stringify(event),
        new RoomId(roomId),
        new DecryptionSettings(TrustRequirement.Untrusted),
      );
      const plain = JSON.parse(decrypted.event) as { type: string; content: Record<string, unknown> };
      emit({
        roomId,
        eventId: String(event['event_id']),
        sender: String(event['sender']),
        type: plain.type,
        content: plain.content,
        encrypted: true,
      });
      return true;
    } catch {
      return false;
    }
  };

  let lastKeys = '';
  const syncOnce = async (since: string | undefined): Promise<string> => {
    const query = since === undefined ? 'timeout=0' : `timeout=30000&since=${encodeURIComponent(since)}`;
    const sync = await call('GET', `/sync?${query}`);
    await serial(async () => {
      const toDevice = ((sync['to_device'] as { events?: unknown[] } | undefined)?.events ?? []) as unknown[];
      const changed = ((sync['device_lists'] as { changed?: string[] } | undefined)?.changed ?? []).map(
        (u) => new UserId(u),
      );
      const counts = new Map(
        Object.entries((sync['device_one_time_keys_count'] as Record<string, number> | undefined) ?? {}),
      );
      const fallback = sync['device_unused_fallback_key_types'] as string[] | undefined;
      // Each call commits the machine's account (costly curve25519 work): skip syncs with nothing for it.
      const keys = JSON.stringify([[...counts], fallback ?? null]);
      if (toDevice.length > 0 || changed.length > 0 || keys !== lastKeys) {
        lastKeys = keys;
        await machine.receiveSyncChanges(
          JSON.stringify(toDevice),
          new DeviceLists(changed, []),
          counts,
          fallback === undefined ? undefined : new Set(fallback),
        );
        await flush();
      }
      const join =
        (sync['rooms'] as { join?: Record<string, { timeline?: { events?: Record<string, unknown>[] } }> } | undefined)
          ?.join ?? {};
      for (const [roomId, room] of Object.entries(join)) {
        for (const event of room.timeline?.events ?? []) {
          if (event['sender'] === userId && event['type'] === 'm.room.encrypted') continue;
          if (event['type'] === 'm.room.encrypted') {
            if (!(await tryDecrypt(roomId, event))) pending.push({ roomId, event });
          } else if (event['type'] === 'm.room.message') {
            emit({
              roomId,
              eventId: String(event['event_id']),
              sender: String(event['sender']),
              type: 'm.room.message',
              content: (event['content'] ?? {}) as Record<string, unknown>,
              encrypted: false,
            });
          }
        }
      }
      for (const item of pending.splice(0)) if (!(await tryDecrypt(item.roomId, item.event))) pending.push(item);
    });
    return String(sync['next_batch']);
  };

  await flush();
  let since = await syncOnce(undefined);
  const loop = (async () => {
    while (!halt.signal.aborted) {
      try {
        since = await syncOnce(since);
      } catch {
        if (halt.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  })();

  const sendEncrypted = (
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    opts: { withholdKey?: boolean } = {},
  ): Promise<string> =>
    serial(async () => {
      const members = opts.withholdKey ? [userId] : state.joinedMembers(roomId);
      await machine.updateTrackedUsers(members.map((u) => new UserId(u)));
      await flush();
      const claim = await machine.getMissingSessions(members.map((u) => new UserId(u)));
      if (claim) await sendRequest(claim);
      for (const request of await machine.shareRoomKey(
        new RoomId(roomId),
        members.map((u) => new UserId(u)),
        new EncryptionSettings(),
      ))
        await sendRequest(request);
      const encrypted = await machine.encryptRoomEvent(new RoomId(roomId), type, JSON.stringify(content));
      const txn = `h${randomBytes(8).toString('hex')}`;
      const answer = await call('PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.encrypted/${txn}`, encrypted);
      return String(answer['event_id']);
    });

  const waitFor: EncryptedHuman['waitFor'] = (predicate, opts = {}) => {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    return waitUntil(
      () => received.find(predicate),
      (onChange: (event: ReceivedEvent) => void) => {
        listeners.add(onChange);
        return () => listeners.delete(onChange);
      },
      timeoutMs,
      () =>
        `${userId}/${deviceId}: no ${opts.what ?? 'matching event'} within ${timeoutMs} ms (${pending.length} could not be decrypted)`,
      (event) => (predicate(event) ? event : undefined),
    );
  };

  return {
    userId,
    deviceId,
    token,
    createRoom: (opts = {}) => state.createRoom(userId, { encrypted: true, ...opts }),
    invite: (roomId, invitee, direct) => void state.invite(roomId, userId, invitee, direct === true),
    join: (roomId) => void state.join(roomId, userId),
    say: (roomId, text) => sendEncrypted(roomId, 'm.room.message', { msgtype: 'm.text', body: text }),
    sendEncrypted,
    get received() {
      return received;
    },
    get undecrypted() {
      return pending.length;
    },
    waitFor,
    waitForReply: (eventId, opts = {}) =>
      waitFor(
        (e) =>
          (e.content['m.relates_to'] as { 'm.in_reply_to'?: { event_id?: string } } | undefined)?.['m.in_reply_to']
            ?.event_id === eventId,
        { ...opts, what: `decrypted reply to ${eventId}` },
      ),
    decryptAttachment(file) {
      const url = String(file['url']);
      const media = state.media.get(url.slice(url.lastIndexOf('/') + 1));
      if (!media) throw new Error(`no media ${url}`);
      return Attachment.decrypt(new EncryptedAttachment(new Uint8Array(media.bytes), JSON.stringify(file)));
    },
    async stop() {
      halt.abort();
      inflight?.abort();
      await loop;
      await lock;
      machine.close();
    },
  };
}
