import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The key file the core creates in `DATA_DIR` when `SESSION_SECRET` is unset (shared with it). */
export const KEY_FILE = 'session.key';

/**
 * Reads `DATA_DIR/session.key` (32 random bytes, base64), creating it once with mode 0600 when
 * missing, exactly as the core's session store does, so both use the one file.
 */
function keyFile(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, KEY_FILE);
  try {
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`the key file ${path} is damaged (expected 32 bytes, base64)`);
  return key;
}

/**
 * The 32-byte key of the crypto store: HKDF-SHA-256 over `SESSION_SECRET` when given, else over
 * the key file in `dataDir`, with its own label, so it never equals the session store's key.
 */
export function cryptoStoreKey(dataDir: string, secret: string | undefined): Uint8Array {
  const base = secret !== undefined ? Buffer.from(`stats-session-key:${secret}`, 'utf8') : keyFile(dataDir);
  return new Uint8Array(hkdfSync('sha256', base, Buffer.alloc(0), 'stats matrix crypto store v1', 32));
}
