import type { UserRef } from '../../chat/index.js';
import { userKey } from '../../sessions/index.js';

/** Limits of a {@link LoginLimiter}: attempts per chat user and per e-mail within one window. */
export interface LoginLimits {
  /** Attempts one chat user may make within the window (`LOGIN_ATTEMPTS_PER_USER`, default 5). */
  readonly perUser?: number;
  /** Attempts on one e-mail address, from all chat users together (`LOGIN_ATTEMPTS_PER_EMAIL`, default 10). */
  readonly perEmail?: number;
  /** The window, ms (`LOGIN_ATTEMPTS_WINDOW`, default 15 minutes). */
  readonly windowMs?: number;
}

/** Options of {@link createLoginLimiter}. */
export interface LoginLimiterOptions extends LoginLimits {
  /** The clock (Unix ms). */
  readonly now?: () => number;
}

/** Who tries to log in as whom. */
export interface LoginAttempt {
  readonly user: UserRef;
  /** The e-mail as typed; the limiter normalises it (trimmed, lower-case). */
  readonly email: string;
}

/**
 * A reserved attempt: settle it once the auth service answered. `succeeded` gives the attempt
 * back and forgets the chat user's count; `failed` keeps it (a wrong password); `released`
 * gives it back without an answer (the auth service failed or timed out).
 */
export interface LoginReservation {
  readonly ok: true;
  succeeded(): Promise<void>;
  failed(): Promise<void>;
  released(): Promise<void>;
}

/** A refused attempt: nothing was reserved. */
export interface LoginRefusal {
  readonly ok: false;
  /** How long until the next attempt can be reserved, ms (> 0). */
  readonly retryAfterMs: number;
}

/**
 * A brute-force limit on password logins. An attempt is reserved atomically **before** the
 * auth service is asked, against two counters: the chat user's and the e-mail's, so neither
 * concurrent attempts nor many chat accounts on one e-mail get past it.
 */
export interface LoginLimiter {
  reserve(attempt: LoginAttempt): Promise<LoginReservation | LoginRefusal>;
}

/** The counter keys of an attempt: `login:user:<platform>:<id>` and `login:email:<address>`. */
export function loginLimiterKeys(attempt: LoginAttempt): { readonly user: string; readonly email: string } {
  return { user: `login:user:${userKey(attempt.user)}`, email: `login:email:${attempt.email.trim().toLowerCase()}` };
}

/** The resolved limits with their defaults. */
export function loginLimits(limits: LoginLimits = {}): Required<LoginLimits> {
  return { perUser: limits.perUser ?? 5, perEmail: limits.perEmail ?? 10, windowMs: limits.windowMs ?? 15 * 60_000 };
}

interface Counter {
  count: number;
  resetAt: number;
}

/**
 * The in-process {@link LoginLimiter}: fixed windows that start with a key's first attempt.
 * One process only; with `REDIS_URL` the configured bot uses {@link createRedisLoginLimiter}
 * so replicas share the counts.
 *
 * @example
 * const limiter = createLoginLimiter({ perUser: 5, perEmail: 10, windowMs: 15 * 60_000 });
 */
export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const { perUser, perEmail, windowMs } = loginLimits(options);
  const now = options.now ?? Date.now;
  const counters = new Map<string, Counter>();
  const live = (key: string): Counter | undefined => {
    const counter = counters.get(key);
    if (counter !== undefined && counter.resetAt <= now()) {
      counters.delete(key);
      return undefined;
    }
    return counter;
  };
  const giveBack = (key: string): void => {
    const counter = live(key);
    if (counter === undefined) return;
    counter.count -= 1;
    if (counter.count <= 0) counters.delete(key);
  };
  return {
    reserve(attempt) {
      const keys = loginLimiterKeys(attempt);
      const checks: [string, number][] = [
        [keys.user, perUser],
        [keys.email, perEmail],
      ];
      for (const [key, limit] of checks) {
        const counter = live(key);
        if (counter !== undefined && counter.count >= limit)
          return Promise.resolve({ ok: false, retryAfterMs: Math.max(1, counter.resetAt - now()) });
      }
      for (const [key] of checks) {
        const counter = live(key);
        if (counter === undefined) counters.set(key, { count: 1, resetAt: now() + windowMs });
        else counter.count += 1;
      }
      let settled = false;
      const settle = (action: () => void): Promise<void> => {
        if (!settled) {
          settled = true;
          action();
        }
        return Promise.resolve();
      };
      return Promise.resolve({
        ok: true,
        succeeded: () =>
          settle(() => {
            counters.delete(keys.user);
            giveBack(keys.email);
          }),
        failed: () => settle(() => undefined),
        released: () =>
          settle(() => {
            giveBack(keys.user);
            giveBack(keys.email);
          }),
      });
    },
  };
}
