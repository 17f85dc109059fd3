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

/** A codec that encrypts the whole session (tokens, account) with `cipher`, bound to the user key. */
export function createSessionCodec(cipher: SessionCipher): SessionCodec {
  return {
    encode: (session) => cipher.encrypt(JSON.stringify(session), userKey(session.user)),
    decode(user, data) {
      try {
        return JSON.parse(cipher.decrypt(data, user)) as Session;
      } catch {
        return undefined;
      }
    },
  };
}
