import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessionCipher, keyFromSecret, loadOrCreateKeyFile, SESSION_KEY_FILE } from './session-cipher.js';

describe('session cipher', () => {
  const cipher = createSessionCipher(randomBytes(32));

  it('round-trips text and never repeats a ciphertext', () => {
    const a = cipher.encrypt('refresh-token-123', 'matrix:@a');
    const b = cipher.encrypt('refresh-token-123', 'matrix:@a');
    expect(a).not.toBe(b);
    expect(a).not.toContain('refresh-token-123');
    expect(cipher.decrypt(a, 'matrix:@a')).toBe('refresh-token-123');
  });

  it('refuses a value moved to another user or tampered with', () => {
    const sealed = cipher.encrypt('secret', 'matrix:@a');
    expect(() => cipher.decrypt(sealed, 'matrix:@b')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() =>
      cipher.decrypt([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'matrix:@a'),
    ).toThrow();
  });

  it('derives the same key from the same SESSION_SECRET and rejects a short one', () => {
    expect(Buffer.from(keyFromSecret('s'.repeat(32))).equals(Buffer.from(keyFromSecret('s'.repeat(32))))).toBe(true);
    expect(() => keyFromSecret('short')).toThrow(/SESSION_SECRET/);
  });

  it('creates the key file once with mode 0600 and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stats-key-'));
    try {
      const first = loadOrCreateKeyFile(join(dir, 'nested'));
      const second = loadOrCreateKeyFile(join(dir, 'nested'));
      expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
      expect(statSync(join(dir, 'nested', SESSION_KEY_FILE)).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
