/**
 * Runs at most one `work` per key at a time in this process: callers arriving while it runs
 * share its promise. The entry is removed when it settles.
 */
export function createSingleFlight<T>(): (key: string, work: () => Promise<T>) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key, work) => {
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const started = (async () => {
      try {
        return await work();
      } finally {
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, started);
    return started;
  };
}
