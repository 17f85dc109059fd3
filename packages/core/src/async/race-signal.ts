/** Callers waiting on one signal, served by a single 'abort' listener. */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (callbacks === undefined) {
    const set = new Set<() => void>();
    callbacks = set;
    waiting.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const cb of set) cb();
      },
      { once: true },
    );
  }
  callbacks.add(callback);
  const set = callbacks;
  return () => set.delete(callback);
}

/**
 * `work`, or the error `gaveUp()` makes as soon as `signal` aborts — whichever comes first. The
 * work itself goes on (a shared refresh or a cached read other callers still wait for); only
 * this caller stops waiting. Without a signal, `work` itself. Any number of callers may race on
 * one signal: they share one listener (no MaxListeners warning when a report reads 50 sites).
 */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal | undefined, gaveUp: () => Error): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(gaveUp());
  return new Promise<T>((resolve, reject) => {
    const forget = onAbort(signal, () => reject(gaveUp()));
    work.then(
      (value) => {
        forget();
        resolve(value);
      },
      (err: unknown) => {
        forget();
        reject(err as Error);
      },
    );
  });
}
