import type { DeliveryLog, ScheduleStore } from '../../schedule/types.js';

/** Stores opened on first use (drivers are loaded with a dynamic import, only when needed). */
export function lazyStores(
  open: () => Promise<{ schedule: ScheduleStore; deliveries: DeliveryLog; close(): Promise<void> }>,
): {
  schedule: ScheduleStore;
  deliveries: DeliveryLog;
  close(): Promise<void>;
} {
  let opened: ReturnType<typeof open> | undefined;
  const get = (): ReturnType<typeof open> => (opened ??= open());
  return {
    schedule: {
      lastRun: async (jobId) => (await get()).schedule.lastRun(jobId),
      baseline: async (jobId, at) => (await get()).schedule.baseline(jobId, at),
      acquire: async (jobId, at, owner, ttl) => (await get()).schedule.acquire(jobId, at, owner, ttl),
      complete: async (jobId, at) => (await get()).schedule.complete(jobId, at),
    },
    deliveries: {
      begin: async (key, owner, ttl) => (await get()).deliveries.begin(key, owner, ttl),
      confirm: async (key) => (await get()).deliveries.confirm(key),
      release: async (key, owner) => (await get()).deliveries.release(key, owner),
    },
    close: async () => {
      if (opened) await (await opened).close();
      opened = undefined;
    },
  };
}
