import { HttpError, type Transformer } from 'grammy';

/** Options of {@link networkRetry}. */
export interface NetworkRetryOptions {
  /** How long a call may keep retrying after network errors, ms (default 20,000). */
  readonly budgetMs?: number;
  /** The first pause, doubled after each failure up to `maxPauseMs`, ms (default 500). */
  readonly firstPauseMs?: number;
  /** The longest pause, ms (default 4,000). */
  readonly maxPauseMs?: number;
}

/** grammY's signal type (from its abort-controller shim). */
type ApiSignal = Parameters<Transformer>[3];

function pause(ms: number, signal: ApiSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new Error('request aborted while waiting to retry'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort);
  });
}

/**
 * A grammY transformer that retries calls which never reached Telegram (grammY's `HttpError`:
 * connection refused, reset, DNS) with doubling pauses, for at most `budgetMs` per call, then
 * throws the last error. grammY's auto-retry retries these without end (pauses growing to an
 * hour), which would hold a chat's queue for as long; it is installed with
 * `rethrowHttpErrors` and this transformer bounds the network part.
 */
export function networkRetry(options: NetworkRetryOptions = {}): Transformer {
  const budgetMs = options.budgetMs ?? 20_000;
  const firstPauseMs = options.firstPauseMs ?? 500;
  const maxPauseMs = options.maxPauseMs ?? 4000;
  return async (prev, method, payload, signal) => {
    const deadline = Date.now() + budgetMs;
    let wait = firstPauseMs;
    for (;;) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        const left = deadline - Date.now();
        if (!(error instanceof HttpError) || signal?.aborted === true || left <= 0) throw error;
        await pause(Math.min(wait, left), signal);
        wait = Math.min(maxPauseMs, wait * 2);
      }
    }
  };
}
