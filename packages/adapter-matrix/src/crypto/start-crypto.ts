import { randomUUID } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceId, initAsync, OlmMachine, StoreHandle, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Logger } from '@stats/core';
import { DEFAULT_CATCH_UP_WINDOW_MS } from '@stats/core/adapter';
import type { MatrixClient } from 'matrix-bot-sdk';
import { withRetry } from '../retry.js';
import { deserialize } from 'node:v8';
import {
  CRYPTO_JOURNAL_FILE,
  CRYPTO_STORE_FILE,
  readStoreFile,
  StoreFileError,
  StoreJournal,
} from './crypto-store-file.js';
import { HELD_EVENTS_FILE, HeldEventsFile } from './held-events.js';
import { deleteDatabases, openDatabase, restoreDatabases, type DatabaseDump } from './indexeddb-dump.js';
import { replayWrites, takeWrites, type JournalOp } from './indexeddb-journal.js';
import { RoomCrypto } from './room-crypto.js';
import { OUTBOUND_SESSIONS_STORE } from './store-writer.js';
import { cryptoStoreKey } from './store-key.js';

/** What {@link startRoomCrypto} needs. */
export interface StartCryptoOptions {
  readonly client: MatrixClient;
  readonly userId: string;
  /** `DATA_DIR`: the store file `matrix-crypto.json` lives here. */
  readonly dataDir: string;
  /** `SESSION_SECRET`; without it the key file `DATA_DIR/session.key` (shared with the core) keys the store. */
  readonly secret: string | undefined;
  readonly logger: Logger;
  /** How long an event whose room key has not arrived waits for it (default 10 s). */
  readonly roomKeyWaitMs?: number;
  /** Held events older than this are not kept across a restart (the intake would skip them; default 5 min). */
  readonly catchUpWindowMs?: number;
}

/** Why the crypto did not start (the adapter then runs without it). */
export class CryptoUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoUnavailable';
  }
}

/** Installs fake-indexeddb's globals where the process has no IndexedDB (Node). */
async function ensureIndexedDb(): Promise<void> {
  if ((globalThis as { indexedDB?: unknown }).indexedDB) return;
  const fake = (await import('fake-indexeddb')) as Record<string, unknown>;
  for (const [name, value] of Object.entries(fake)) {
    if (name === 'default' || name === 'forceCloseDatabase' || name in globalThis) continue;
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
}

function probeWritable(dataDir: string): void {
  const probe = join(dataDir, `.matrix-crypto-probe-${process.pid}`);
  try {
    writeFileSync(probe, '', { mode: 0o600 });
    unlinkSync(probe);
  } catch (err) {
    throw new CryptoUnavailable(
      `DATA_DIR (${dataDir}) is not writable (${(err as NodeJS.ErrnoException).code ?? String(err)}): the crypto store could not be kept`,
      { cause: err },
    );
  }
}

/**
 * The dumps without the outbound Megolm sessions, so each room starts a new one on its first
 * send: the store is written behind the sends, and a crashed run may have sent message indexes
 * its file does not know; a new session never uses one twice. Undefined when the crate keeps
 * them elsewhere (another layout).
 */
export function withoutOutboundSessions(databases: readonly DatabaseDump[]): DatabaseDump[] | undefined {
  let found = false;
  const out = databases.map((db) => ({
    ...db,
    stores: db.stores.map((store) => {
      if (store.name !== OUTBOUND_SESSIONS_STORE) return store;
      found = true;
      return { ...store, keys: [], values: [] };
    }),
  }));
  return found ? out : undefined;
}

/** True when the homeserver already holds identity keys for the device (its store was lost). */
async function deviceHasKeys(client: MatrixClient, userId: string, deviceId: string): Promise<boolean> {
  const answer = (await withRetry(
    () => client.doRequest('POST', '/_matrix/client/v3/keys/query', null, { device_keys: { [userId]: [deviceId] } }),
    { what: 'keys query' },
  )) as {
    device_keys?: Record<string, Record<string, unknown>>;
  };
  return answer.device_keys?.[userId]?.[deviceId] !== undefined;
}

async function open(options: StartCryptoOptions): Promise<RoomCrypto> {
  const { client, userId, dataDir, logger } = options;
  const whoami = await withRetry(() => client.getWhoAmI(), { what: 'whoami' });
  const deviceId = whoami.device_id;
  if (typeof deviceId !== 'string' || deviceId === '')
    throw new CryptoUnavailable('the homeserver names no device for MATRIX_ACCESS_TOKEN (whoami without device_id)');
  probeWritable(dataDir);
  let storeKey: Uint8Array;
  try {
    storeKey = cryptoStoreKey(dataDir, options.secret);
  } catch (err) {
    throw new CryptoUnavailable(`no key for the crypto store: ${(err as Error).message}`, { cause: err });
  }
  const storeFile = join(dataDir, CRYPTO_STORE_FILE);
  let stored: ReturnType<typeof readStoreFile>;
  try {
    stored = readStoreFile(storeFile, storeKey);
  } catch (err) {
    if (err instanceof StoreFileError)
      throw new CryptoUnavailable(`${err.message}; it is kept as it is`, { cause: err });
    throw err;
  }
  if (stored && (stored.owner.userId !== userId || stored.owner.deviceId !== deviceId)) {
    throw new CryptoUnavailable(
      `the crypto store ${storeFile} belongs to device ${stored.owner.deviceId} of ${stored.owner.userId}, but MATRIX_ACCESS_TOKEN is device ${deviceId} of ${userId}; use that device's token, or move the file away to start this device afresh`,
    );
  }
  if (!stored && (await deviceHasKeys(client, userId, deviceId))) {
    throw new CryptoUnavailable(
      `device ${deviceId} already published its keys but ${storeFile} is missing (the store was lost): this device cannot be restored; log the bot in again to get a new access token (a new device) and set MATRIX_ACCESS_TOKEN`,
    );
  }
  await ensureIndexedDb();
  await initAsync();
  const name = `stats-matrix-${randomUUID()}`;
  const storePrefix = `${name}::`;
  const owner = { userId, deviceId };
  const journal = new StoreJournal(join(dataDir, CRYPTO_JOURNAL_FILE), storeKey, owner);
  let journaled = 0;
  try {
    if (stored) {
      const fresh = withoutOutboundSessions(stored.databases);
      if (!fresh)
        logger.warn(
          { store: OUTBOUND_SESSIONS_STORE },
          'the crypto store has no outbound Megolm sessions where expected; they continue after this restart',
        );
      await restoreDatabases(storePrefix, fresh ?? stored.databases);
      // The writes since the file was written, in order (without those of outbound sessions, as above).
      const records = stored.journal === undefined ? [] : journal.read(stored.journal);
      const ops = records
        .flatMap((record) => deserialize(record) as JournalOp[])
        .filter((op) => fresh === undefined || op.store !== OUTBOUND_SESSIONS_STORE);
      await replayWrites(storePrefix, ops, openDatabase);
      journaled = records.length;
    }
    const handle = await StoreHandle.openWithKey(name, storeKey);
    const machine = await OlmMachine.initFromStore(new UserId(userId), new DeviceId(deviceId), handle);
    handle.free();
    const heldFile = new HeldEventsFile(join(dataDir, HELD_EVENTS_FILE), storeKey, owner);
    const oldest = Date.now() - (options.catchUpWindowMs ?? DEFAULT_CATCH_UP_WINDOW_MS);
    const held = heldFile
      .load((reason) =>
        logger.warn(
          { reason },
          'could not read the Matrix events that were waiting for their room key; they are skipped',
        ),
      )
      .filter((item) => Number(item.event['origin_server_ts'] ?? 0) >= oldest);
    const crypto = new RoomCrypto({
      machine,
      client,
      logger,
      owner,
      storeKey,
      storeFile,
      journal,
      storePrefix,
      roomKeyWaitMs: options.roomKeyWaitMs ?? 10_000,
      heldFile,
      held,
    });
    try {
      await crypto.initialRequests();
    } catch (err) {
      await crypto.close();
      throw new CryptoUnavailable(
        `the homeserver refused this device's keys (${(err as Error).message}); the store is older than the device's published keys`,
        { cause: err },
      );
    }
    logger.info(
      { deviceId, restored: stored !== undefined, journaled, held: held.length },
      'Matrix end-to-end encryption running',
    );
    return crypto;
  } catch (err) {
    await deleteDatabases(storePrefix).catch(() => undefined);
    takeWrites(storePrefix);
    if (err instanceof CryptoUnavailable) throw err;
    throw new CryptoUnavailable(`the crypto machine did not start (${(err as Error).message})`, { cause: err });
  }
}

/**
 * Starts end-to-end encryption for the access token's own device (from `whoami`; never a new
 * device): restores `DATA_DIR/matrix-crypto.json` into an in-memory IndexedDB
 * (fake-indexeddb) without its outbound Megolm sessions (each room starts a new one), opens
 * the crate's IndexedDB store on it with a key derived from `SESSION_SECRET` (or the key
 * file), and uploads the device keys when needed. Resolves to
 * undefined, after logging why, when it cannot start: DATA_DIR read-only, a store of another
 * device, a store that does not open, a lost store of a device that already has keys.
 */
export async function startRoomCrypto(options: StartCryptoOptions): Promise<RoomCrypto | undefined> {
  try {
    return await open(options);
  } catch (err) {
    const reason = err instanceof CryptoUnavailable ? err.message : `unexpected error: ${(err as Error).message}`;
    options.logger.warn(
      { reason },
      `Matrix end-to-end encryption is off: ${reason}. Encrypted rooms get a notice that the bot cannot read them.`,
    );
    return undefined;
  }
}
