import type { UserRef } from '../chat/index.js';
import { userKey } from './session-codec.js';
import type { Session, SessionLock, SessionStore } from './types.js';

/** Options of {@link createMemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** The clock (Unix ms); tests inject one to expire sessions. */
  readonly now?: () => number;
}

/**
 * A session store in process memory: for tests and single-process bots that accept losing
 * sessions on restart. Its lock is process-local.
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { session: Session; until: number }>();
  const live = (key: string): Session | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.session;
  };
  return {
    get: async (user) => live(userKey(user)),
    set: async (user, session, ttlMs) => {
      entries.set(userKey(user), { session: Object.freeze({ ...session }), until: now() + ttlMs });
    },
    delete: async (user) => {
      entries.delete(userKey(user));
    },
    list: async () => [...entries.keys()].map(live).filter((s): s is Session => s !== undefined),
    close: async () => undefined,
    lock: createMemoryLock(now),
  };
}

/** A process-local {@link SessionLock}. */
export function createMemoryLock(now: () => number = Date.now): SessionLock {
  const held = new Map<string, { token: symbol; until: number }>();
  return {
    async tryAcquire(user: UserRef, ttlMs: number) {
      const key = userKey(user);
      const current = held.get(key);
      if (current !== undefined && current.until > now()) return undefined;
      const token = Symbol(key);
      held.set(key, { token, until: now() + ttlMs });
      return async () => {
        if (held.get(key)?.token === token) held.delete(key);
      };
    },
  };
}
