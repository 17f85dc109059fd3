import type { Logger } from '@stats/core';

/** The log line of a crypto store write that failed. */
export const STORE_WRITE_FAILED = 'could not write the Matrix crypto store in DATA_DIR';

/** How long a change may wait for its store write (changes within it share one write). */
export const PERSIST_DELAY_MS = 250;

/**
 * Runs a write off the reply path: {@link DelayedWrite.soon} within {@link PERSIST_DELAY_MS},
 * changes within it sharing one write; {@link DelayedWrite.flush} at once.
 */
export class DelayedWrite {
  /** The write waiting for its delay, if any: `fire` starts it at once. */
  private scheduled: { readonly done: Promise<void>; readonly fire: () => void } | undefined;
  private closed = false;

  /** `write` puts everything so far on disk; a failure of a delayed one is logged through `logger`. */
  constructor(
    private readonly write: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /**
   * Writes within {@link PERSIST_DELAY_MS}: changes within it share one write. Resolves once
   * the writes before the call are on disk; a failure is logged here and rejects. After
   * {@link DelayedWrite.close} it does nothing (the stop wrote the last state).
   */
  soon(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.scheduled) return this.scheduled.done;
    let fire: () => void = () => {};
    const fired = new Promise<void>((resolve) => (fire = resolve));
    const timer = setTimeout(fire, PERSIST_DELAY_MS);
    const done = fired.then(async () => {
      clearTimeout(timer);
      // Changes from here on wait for the next write: this one may already have read their stores.
      this.scheduled = undefined;
      try {
        await this.write();
      } catch (err) {
        this.logger.error({ err }, STORE_WRITE_FAILED);
        throw err;
      }
    });
    this.scheduled = { done, fire };
    return done;
  }

  /** Starts a write waiting for its delay at once, and resolves when everything so far is on disk. */
  async flush(): Promise<void> {
    const scheduled = this.scheduled;
    scheduled?.fire();
    await scheduled?.done.catch(() => undefined); // tried again just below
    await this.write();
  }

  /** From now on {@link DelayedWrite.soon} schedules nothing (a waiting write still runs; flush it). */
  close(): void {
    this.closed = true;
  }
}
