/**
 * Waits until every promise in `work` has settled, or `timeoutMs` has passed, whichever comes
 * first; resolves `true` when all settled in time. Never rejects, leaves no timer behind. The
 * bounded wait of a stop: nothing a handler does can hold a shutdown past its deadline.
 */
export async function settleWithin(work: Iterable<PromiseLike<unknown>>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([Promise.allSettled(work).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
