import type { BeginResult, Claims, DeliveryLog, Lease, ScheduleStore } from './types.js';

/**
 * A {@link ScheduleStore} in process memory: one process, no history across restarts (use the
 * SQLite or Redis store to catch up after downtime).
 */
export function createMemoryScheduleStore(now: () => number = Date.now): ScheduleStore {
  const last = new Map<string, number>();
  const leases = new Map<string, { owner: string; fence: number; until: number }>();
  let fence = 0;
  return {
    lastRun: async (jobId) => last.get(jobId),
    baseline: async (jobId, at) => {
      if (!last.has(jobId)) last.set(jobId, at);
    },
    acquire: async (jobId, scheduledAt, owner, ttlMs) => {
      if ((last.get(jobId) ?? -Infinity) >= scheduledAt) return undefined;
      const key = `${jobId}@${scheduledAt}`;
      const held = leases.get(key);
      if (held && held.until > now() && held.owner !== owner) return undefined;
      const mine = { owner, fence: ++fence, until: now() + ttlMs };
      leases.set(key, mine);
      const lease: Lease = {
        fence: mine.fence,
        valid: async () => leases.get(key) === mine && mine.until > now(),
        renew: async () => {
          if (leases.get(key) !== mine || mine.until <= now()) return false;
          mine.until = now() + ttlMs;
          return true;
        },
        release: async () => {
          if (leases.get(key) === mine) leases.delete(key);
        },
      };
      return lease;
    },
    complete: async (jobId, scheduledAt) => {
      last.set(jobId, Math.max(last.get(jobId) ?? -Infinity, scheduledAt));
      leases.delete(`${jobId}@${scheduledAt}`);
    },
  };
}

/** A {@link DeliveryLog} in process memory. */
export function createMemoryDeliveryLog(now: () => number = Date.now): DeliveryLog {
  const entries = new Map<string, { state: 'pending' | 'sent'; owner: string; until: number }>();
  return {
    begin: async (key, owner, ttlMs): Promise<BeginResult> => {
      const entry = entries.get(key);
      if (entry?.state === 'sent') return 'done';
      if (entry && entry.owner !== owner && entry.until > now()) return 'busy';
      entries.set(key, { state: 'pending', owner, until: now() + ttlMs });
      return 'send';
    },
    confirm: async (key) => {
      entries.set(key, { state: 'sent', owner: '', until: Infinity });
    },
    release: async (key, owner) => {
      const entry = entries.get(key);
      if (entry?.state === 'pending' && entry.owner === owner) entries.delete(key);
    },
  };
}

/** {@link Claims} for one process: the first caller of a key wins until `ttlMs` passes. */
export function createMemoryClaims(now: () => number = Date.now): Claims {
  const claimed = new Map<string, number>();
  return {
    claim: async (key, ttlMs) => {
      const t = now();
      if ((claimed.get(key) ?? -Infinity) > t) return false;
      claimed.set(key, t + ttlMs);
      if (claimed.size > 10_000) {
        for (const [k, until] of claimed) if (until <= t) claimed.delete(k);
      }
      return true;
    },
  };
}
