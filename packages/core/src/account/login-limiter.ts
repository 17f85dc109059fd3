import type { UserRef } from '../chat/index.js';
import { userKey } from '../sessions/index.js';

/** Options of {@link createLoginLimiter}. */
export interface LoginLimiterOptions {
  /** Failed logins allowed per chat user within the window (default 5). */
  readonly maxFailures?: number;
  /** The window, ms (default 15 minutes). */
  readonly windowMs?: number;
  /** The clock (Unix ms). */
  readonly now?: () => number;
}

/** Counts failed logins per chat user and blocks further tries for a while. */
export interface LoginLimiter {
  /** How long the user must still wait, ms, or 0 when a try is allowed. */
  waitMs(user: UserRef): number;
  /** Records a failed login (wrong e-mail or password). */
  failed(user: UserRef): void;
  /** Forgets the failures (after a successful login). */
  succeeded(user: UserRef): void;
}

/**
 * A brute-force limit: after `maxFailures` failed logins within `windowMs`, a user must wait
 * until the oldest of them leaves the window. Kept in process memory.
 */
export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const max = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (key: string): number[] => {
    const since = now() - windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  return {
    waitMs(user) {
      const list = recent(userKey(user));
      if (list.length < max) return 0;
      return (list[list.length - max] ?? now()) + windowMs - now();
    },
    failed(user) {
      const key = userKey(user);
      failures.set(key, [...recent(key), now()]);
    },
    succeeded(user) {
      failures.delete(userKey(user));
    },
  };
}
