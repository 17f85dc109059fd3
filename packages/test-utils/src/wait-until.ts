/**
 * Resolves with the first defined value of `check()`, tried at once and again whenever
 * `subscribe`'s callback fires (with `recheck(changed)` when given, so a stand-in that reports
 * each new event looks at that event only); rejects with `timeoutMessage()` after `timeoutMs` (a
 * guard against a hanging test, not a timing assertion). Every stand-in's "wait until the bot
 * sent X" is this one loop over its own change notifications.
 */
export function waitUntil<T, C = void>(
  check: () => T | undefined,
  subscribe: (onChange: (changed: C) => void) => () => void,
  timeoutMs: number,
  timeoutMessage: () => string,
  recheck: (changed: C) => T | undefined = () => check(),
): Promise<T> {
  const first = check();
  if (first !== undefined) return Promise.resolve(first);
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = subscribe((changed) => {
      const value = recheck(changed);
      if (value === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(timeoutMessage()));
    }, timeoutMs);
  });
}
