/**
 * `work`, or the error `gaveUp()` makes as soon as `signal` aborts — whichever comes first. The
 * work itself goes on (a shared refresh or a cached read other callers still wait for); only
 * this caller stops waiting. Without a signal, `work` itself.
 */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal | undefined, gaveUp: () => Error): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(gaveUp());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(gaveUp());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}
