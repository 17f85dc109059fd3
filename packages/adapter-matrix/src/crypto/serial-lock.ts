/**
 * Runs the crypto's machine work one piece at a time: the `OlmMachine` may not see a sync's
 * changes, a key share and an encryption interleaved, and the requests it queues must be sent
 * and marked in the order it made them.
 */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` once everything queued before it has settled (whether it succeeded or not). */
  run<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the work queued so far has settled (never rejects). */
  settled(): Promise<unknown> {
    return this.tail;
  }
}
