import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import type { DatabaseDump } from './indexeddb-dump.js';

/** The file in `DATA_DIR` that holds the crypto state. */
export const CRYPTO_STORE_FILE = 'matrix-crypto.json';

/** Whose device a store file holds (readable without the key, to explain a mismatch). */
export interface StoreOwner {
  readonly userId: string;
  readonly deviceId: string;
}

/** The file in `DATA_DIR` that journals the crypto store's writes since {@link CRYPTO_STORE_FILE} was written. */
export const CRYPTO_JOURNAL_FILE = 'matrix-crypto.journal';

interface StoreFile extends StoreOwner {
  readonly version: 1;
  /** The journal that continues this file (absent: none, the file is the whole store). */
  readonly journal?: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/** Why a store file could not be read. */
export class StoreFileError extends Error {
  constructor(
    readonly reason: 'damaged' | 'wrong_key',
    message: string,
  ) {
    super(message);
    this.name = 'StoreFileError';
  }
}

/** The associated data: the owner, and for files other than the store, what the file holds. */
const aad = (owner: StoreOwner, label: string | undefined): Buffer =>
  Buffer.from(`${owner.userId} ${owner.deviceId}${label === undefined ? '' : ` ${label}`}`, 'utf8');

/** AES-256-GCM under `key` with `associated` data: a fresh 12-byte IV, the 16-byte tag, the ciphertext. */
function seal(key: Uint8Array, associated: Buffer, plain: Buffer): { iv: Buffer; tag: Buffer; data: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associated);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), data };
}

/**
 * Opens what {@link seal} sealed.
 * @throws Error when the key, the associated data or the bytes do not match.
 */
function unseal(key: Uint8Array, associated: Buffer, sealed: { iv: Buffer; tag: Buffer; data: Buffer }): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(associated);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.data), decipher.final()]);
}

/**
 * Reads the crypto store file: its owner and the IndexedDB databases, decrypted with `key`
 * (AES-256-GCM, the owner bound as associated data). Undefined when there is no file.
 *
 * @throws StoreFileError when the file is damaged or `key` does not open it.
 */
export function readStoreFile(
  path: string,
  key: Uint8Array,
): { owner: StoreOwner; databases: DatabaseDump[]; journal: string | undefined } | undefined {
  const opened = readSealedFile(path, key, undefined);
  return opened && { owner: opened.owner, databases: opened.value as DatabaseDump[], journal: opened.journal };
}

/**
 * Reads a file written by {@link writeStoreFile}: its owner and its value (v8-serialised),
 * decrypted with `key`; `label` must be the one it was written with. Undefined when there is
 * no file.
 *
 * @throws StoreFileError when the file is damaged or `key` does not open it.
 */
export function readSealedFile(
  path: string,
  key: Uint8Array,
  label: string | undefined,
): { owner: StoreOwner; value: unknown; journal: string | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let file: StoreFile;
  try {
    file = JSON.parse(text) as StoreFile;
    if (
      file.version !== 1 ||
      typeof file.userId !== 'string' ||
      typeof file.deviceId !== 'string' ||
      (file.journal !== undefined && typeof file.journal !== 'string')
    )
      throw new Error('unknown format');
  } catch (err) {
    throw new StoreFileError('damaged', `the crypto store ${path} is damaged (${(err as Error).message})`);
  }
  const owner = { userId: file.userId, deviceId: file.deviceId };
  let plain: Buffer;
  try {
    plain = unseal(key, aad(owner, label), {
      iv: Buffer.from(file.iv, 'base64'),
      tag: Buffer.from(file.tag, 'base64'),
      data: Buffer.from(file.data, 'base64'),
    });
  } catch {
    throw new StoreFileError(
      'wrong_key',
      `the crypto store ${path} does not open with this key (SESSION_SECRET or the key file changed, or the file is damaged)`,
    );
  }
  try {
    return { owner, value: deserialize(plain) as unknown, journal: file.journal };
  } catch (err) {
    throw new StoreFileError('damaged', `the crypto store ${path} is damaged (${(err as Error).message})`);
  }
}

/** Serialises dumps (or any value kept in a sealed file) to bytes (what is compared to skip unchanged writes). */
export function serializeDumps(value: unknown): Buffer {
  return serialize(value);
}

/** A digest of serialised dumps. */
export function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/**
 * Writes the store file (or, with a `label`, another sealed file) atomically: AES-256-GCM with
 * the owner and label as associated data, a temporary file with mode 0600 (`fdatasync`), then
 * rename. A
 * `journal` id names the {@link StoreJournal} epoch that continues it.
 */
export async function writeStoreFile(
  path: string,
  key: Uint8Array,
  owner: StoreOwner,
  plain: Buffer,
  label?: string,
  journal?: string,
): Promise<void> {
  const { iv, tag, data } = seal(key, aad(owner, label), plain);
  const file: StoreFile = {
    version: 1,
    ...owner,
    iv: iv.toString('base64'),
    tag: tag.toString('base64'),
    data: data.toString('base64'),
    ...(journal === undefined ? {} : { journal }),
  };
  const temporary = `${path}.${process.pid}.tmp`;
  // On disk before the rename: a power loss leaves the old file or the new one, never a torn one,
  // and the journal this file replaces is dropped only after it.
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(file));
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** One journal record: its length (4 bytes, big-endian), then the IV, the tag and the ciphertext. */
const sealRecord = (key: Uint8Array, associated: Buffer, plain: Buffer): Buffer => {
  const { iv, tag, data } = seal(key, associated, plain);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(iv.length + tag.length + data.length);
  return Buffer.concat([head, iv, tag, data]);
};

/**
 * The store file's write journal (`DATA_DIR/matrix-crypto.journal`): records appended after the
 * store file, each one AES-256-GCM sealed with the store key, its owner, the epoch (the id the
 * store file names) and its sequence number as associated data, each one written (to the
 * page cache, not synced) before {@link StoreJournal.append} resolves. A record that does not open (torn by a crash
 * while it was written, or of an older epoch) ends the journal when it is read.
 */
export class StoreJournal {
  private handle: FileHandle | undefined;
  private epoch: string | undefined;
  private seq = 0;
  private size = 0;

  constructor(
    private readonly path: string,
    private readonly key: Uint8Array,
    private readonly owner: StoreOwner,
  ) {}

  /** Bytes appended since the last {@link StoreJournal.restart}. */
  get bytes(): number {
    return this.size;
  }

  /** Reads the records of an epoch, in order, up to the first that does not open. */
  read(epoch: string): Buffer[] {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: Buffer[] = [];
    for (let at = 0; at + 4 <= bytes.length;) {
      const length = bytes.readUInt32BE(at);
      if (length < 28 || at + 4 + length > bytes.length) break;
      const record = bytes.subarray(at + 4, at + 4 + length);
      try {
        out.push(
          unseal(this.key, this.recordAad(epoch, out.length), {
            iv: record.subarray(0, 12),
            tag: record.subarray(12, 28),
            data: record.subarray(28),
          }),
        );
      } catch {
        break;
      }
      at += 4 + length;
    }
    return out;
  }

  /**
   * Starts a new epoch: call once the store file naming `epoch` is written. The previous
   * records are dropped (that file holds their changes).
   */
  async restart(epoch: string): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    this.epoch = epoch;
    this.seq = 0;
    this.size = 0;
    await unlink(this.path).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    });
  }

  /** Appends one record and waits until it is written. */
  async append(plain: Buffer): Promise<void> {
    if (this.epoch === undefined) throw new Error('StoreJournal: restart(epoch) before append');
    const record = sealRecord(this.key, this.recordAad(this.epoch, this.seq), plain);
    this.handle ??= await open(this.path, 'a', 0o600);
    // Written, not synced: in the page cache it survives a crash of the process, as the store
    // file always did; an fdatasync cost 1-10 ms per record on a shared disk (README).
    await this.handle.write(record);
    this.seq += 1;
    this.size += record.length;
  }

  /** A record's associated data: the owner, the epoch and its place in it (no record opens elsewhere). */
  private recordAad(epoch: string, seq: number): Buffer {
    return aad(this.owner, `journal ${epoch} ${seq}`);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
