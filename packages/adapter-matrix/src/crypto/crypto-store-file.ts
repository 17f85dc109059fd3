import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import type { DatabaseDump } from './indexeddb-dump.js';

/** The file in `DATA_DIR` that holds the crypto state. */
export const CRYPTO_STORE_FILE = 'matrix-crypto.json';

/** Whose device a store file holds (readable without the key, to explain a mismatch). */
export interface StoreOwner {
  readonly userId: string;
  readonly deviceId: string;
}

interface StoreFile extends StoreOwner {
  readonly version: 1;
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

/**
 * Reads the crypto store file: its owner and the IndexedDB databases, decrypted with `key`
 * (AES-256-GCM, the owner bound as associated data). Undefined when there is no file.
 *
 * @throws StoreFileError when the file is damaged or `key` does not open it.
 */
export function readStoreFile(
  path: string,
  key: Uint8Array,
): { owner: StoreOwner; databases: DatabaseDump[] } | undefined {
  const opened = readSealedFile(path, key, undefined);
  return opened && { owner: opened.owner, databases: opened.value as DatabaseDump[] };
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
): { owner: StoreOwner; value: unknown } | undefined {
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
    if (file.version !== 1 || typeof file.userId !== 'string' || typeof file.deviceId !== 'string')
      throw new Error('unknown format');
  } catch (err) {
    throw new StoreFileError('damaged', `the crypto store ${path} is damaged (${(err as Error).message})`);
  }
  const owner = { userId: file.userId, deviceId: file.deviceId };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64'));
    decipher.setAAD(aad(owner, label));
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(file.data, 'base64')), decipher.final()]);
  } catch {
    throw new StoreFileError(
      'wrong_key',
      `the crypto store ${path} does not open with this key (SESSION_SECRET or the key file changed, or the file is damaged)`,
    );
  }
  try {
    return { owner, value: deserialize(plain) as unknown };
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
 * the owner and label as associated data, a temporary file with mode 0600, then rename.
 */
export async function writeStoreFile(
  path: string,
  key: Uint8Array,
  owner: StoreOwner,
  plain: Buffer,
  label?: string,
): Promise<void> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(owner, label));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const file: StoreFile = {
    version: 1,
    ...owner,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(file), { mode: 0o600 });
  await rename(temporary, path);
}
