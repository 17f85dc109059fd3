import { hkdfSync } from 'node:crypto';
import { loadOrCreateKeyFile } from '@stats/core';

/**
 * The 32-byte key of the crypto store: HKDF-SHA-256 over `SESSION_SECRET` when given, else over
 * the key file in `dataDir`, with its own label, so it never equals the session store's key.
 */
export function cryptoStoreKey(dataDir: string, secret: string | undefined): Uint8Array {
  // The same key file the session store uses when SESSION_SECRET is unset (created once, mode 0600).
  const base = secret !== undefined ? Buffer.from(`stats-session-key:${secret}`, 'utf8') : loadOrCreateKeyFile(dataDir);
  return new Uint8Array(hkdfSync('sha256', base, Buffer.alloc(0), 'stats matrix crypto store v1', 32));
}
