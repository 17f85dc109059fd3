/**
 * The port an adapter stores handled message ids into, so a restart never answers a message
 * twice. The adapter owns the persistence (a file in `DATA_DIR`, the platform's own cursor);
 * {@link createIntakeGate} owns the policy: what counts as a duplicate, what is too old, and when
 * a record may be forgotten.
 */
export interface HandledLog {
  /** True when the message was handled (answered or deliberately dropped) before. */
  has(id: string): boolean;
  /** Records the message as handled; `sentAt` (Unix ms) says when the record may be forgotten. */
  add(id: string, sentAt: number): void | Promise<void>;
  /**
   * Forgets records of messages sent before `before` (Unix ms): no catch-up can bring them back
   * as answerable. Optional: a log that bounds itself (a ring of recent ids) leaves it out.
   */
  forget?(before: number): void;
}
