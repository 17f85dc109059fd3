import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../errors/index.js';

/** Encrypts and decrypts stored session data with AES-256-GCM. */
export interface SessionCipher {
  /** Encrypts `plain`; `context` (the user key) is bound as associated data. */
  encrypt(plain: string, context: string): string;
  /** Decrypts what {@link SessionCipher.encrypt} made; throws when tampered with or the key differs. */
  decrypt(sealed: string, context: string): string;
}

const VERSION = 'v1';

/** node:crypto, loaded with the first cipher or key (not with the library). */
const crypto = (): typeof import('node:crypto') => process.getBuiltinModule('node:crypto');

/**
 * A cipher over a 32-byte key. Each value gets a fresh 12-byte IV; the output is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url.
 */
export function createSessionCipher(key: Uint8Array): SessionCipher {
  if (key.length !== 32) throw new TypeError('A session key must be 32 bytes');
  const k = Buffer.from(key);
  const { createCipheriv, createDecipheriv, randomBytes } = crypto();
  return {
    encrypt(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        VERSION,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    decrypt(sealed, context) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
        throw new Error('Stored session is not in the expected encrypted format');
      }
      const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** Derives the 32-byte key from `SESSION_SECRET` (SHA-256 of the secret). */
export function keyFromSecret(secret: string): Uint8Array {
  if (secret.length < 32) throw new ConfigError(['SESSION_SECRET'], 'SESSION_SECRET must be at least 32 characters');
  return crypto().createHash('sha256').update(`stats-session-key:${secret}`, 'utf8').digest();
}

/** The name of the key file created in `DATA_DIR` when no `SESSION_SECRET` is set. */
export const SESSION_KEY_FILE = 'session.key';

/**
 * Reads the key file in `dataDir`, or creates it once with 32 random bytes and mode 0600.
 * Two processes starting together agree: creation is exclusive and the loser reads the winner's key.
 */
export function loadOrCreateKeyFile(dataDir: string): Uint8Array {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SESSION_KEY_FILE);
  try {
    writeFileSync(path, crypto().randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32)
    throw new ConfigError(['DATA_DIR'], `The session key file ${path} is damaged (expected 32 bytes, base64)`);
  return key;
}

/**
 * A cipher that calls `onFirstFailure` the first time a value cannot be decrypted (then never
 * again), and otherwise behaves as `cipher`. Stored sessions that no longer decrypt mean the
 * key changed: one warning says so, instead of one per session or per message.
 */
export function reportFirstDecryptFailure(
  cipher: SessionCipher,
  onFirstFailure: (error: unknown) => void,
): SessionCipher {
  let reported = false;
  return {
    encrypt: (plain, context) => cipher.encrypt(plain, context),
    decrypt(sealed, context) {
      try {
        return cipher.decrypt(sealed, context);
      } catch (error) {
        if (!reported) {
          reported = true;
          onFirstFailure(error);
        }
        throw error;
      }
    },
  };
}

/** Options of {@link cipherFromConfig}. */
export interface CipherFromConfigOptions {
  /** `SESSION_SECRET`; without it the key file in `dataDir` is used (and created once). */
  readonly secret?: string | undefined;
  readonly dataDir: string;
  /** Gets one warning when stored sessions cannot be decrypted (the secret or key file changed). */
  readonly logger?: Pick<Logger, 'warn'> | undefined;
}

/**
 * The cipher from `SESSION_SECRET` when set, else from the key file in `dataDir`. With a
 * `logger`, the first stored session that cannot be decrypted logs one warning naming the
 * cause (those users appear logged out and must log in again); later ones are silent.
 */
export function cipherFromConfig(options: CipherFromConfigOptions): SessionCipher {
  const cipher = createSessionCipher(
    options.secret !== undefined ? keyFromSecret(options.secret) : loadOrCreateKeyFile(options.dataDir),
  );
  const logger = options.logger;
  if (logger === undefined) return cipher;
  const key =
    options.secret !== undefined ? 'SESSION_SECRET' : `the session key file (${SESSION_KEY_FILE} in DATA_DIR)`;
  return reportFirstDecryptFailure(cipher, () => {
    logger.warn(
      { reason: 'session_key_changed', variable: options.secret !== undefined ? 'SESSION_SECRET' : 'DATA_DIR' },
      `Stored sessions cannot be decrypted with the current ${key}: it changed since they were saved (or the data is damaged). ` +
        'Those users appear logged out and must log in again; restore the previous key to keep their sessions.',
    );
  });
}
