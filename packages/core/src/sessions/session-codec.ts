import type { UserRef } from '../chat/index.js';
import type { SessionCipher } from './session-cipher.js';
import type { Session } from './types.js';

/** The key of a chat user in every store: `platform:id`. */
export function userKey(user: UserRef): string {
  return `${user.platform}:${user.id}`;
}

/** Turns sessions into stored text (encrypted as a whole) and back; used by the persistent stores. */
export interface SessionCodec {
  encode(session: Session): string;
  /** `undefined` when the data cannot be read (another key, damaged): treated as no session. */
  decode(user: string, data: string): Session | undefined;
}

/**
 * A codec that encrypts the whole session (tokens, account) with `cipher`, bound to the user
 * key. Decrypted sessions are remembered per user while their stored text is unchanged (at
 * most `cacheSize` users), so a repeated read costs a string comparison, not a decryption.
 */
export function createSessionCodec(cipher: SessionCipher, cacheSize = 1000): SessionCodec {
  const cache = new Map<string, { data: string; session: Session }>();
  const remember = (user: string, data: string, session: Session): Session => {
    if (cacheSize <= 0) return session;
    cache.delete(user);
    cache.set(user, { data, session });
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return session;
  };
  return {
    encode(session) {
      const user = userKey(session.user);
      const data = cipher.encrypt(JSON.stringify(session), user);
      remember(user, data, Object.freeze({ ...session }));
      return data;
    },
    decode(user, data) {
      const hit = cache.get(user);
      if (hit !== undefined && hit.data === data) return hit.session;
      try {
        return remember(user, data, Object.freeze(JSON.parse(cipher.decrypt(data, user)) as Session));
      } catch {
        return undefined;
      }
    },
  };
}
