import {
  readSealedFile,
  serializeDumps,
  StoreFileError,
  writeStoreFile,
  type StoreOwner,
} from './crypto-store-file.js';

/** The file in `DATA_DIR` that holds the events waiting for their room key. */
export const HELD_EVENTS_FILE = 'matrix-held-events.json';
const LABEL = 'held-events';

/** An `m.room.encrypted` event that came before its room key, and until when it waits. */
export interface HeldEvent {
  readonly roomId: string;
  /** The event as the sync gave it (still encrypted). */
  readonly event: Record<string, unknown>;
  /** Unix ms; after this it is handed on undecrypted (the intake answers with its notice). */
  readonly until: number;
}

const isHeld = (item: unknown): item is HeldEvent => {
  const held = item as Partial<HeldEvent> | null;
  return (
    typeof held?.roomId === 'string' &&
    typeof held.until === 'number' &&
    typeof held.event === 'object' &&
    held.event !== null
  );
};

/**
 * The held events on disk (`DATA_DIR/matrix-held-events.json`), sealed like the crypto store
 * (AES-256-GCM with the store key, the owner and the file's purpose bound as associated data):
 * an event synced before its key must survive a restart, because the sync token has moved past
 * it. The caller writes before the sync token advances.
 */
export class HeldEventsFile {
  private lastWritten: string | undefined;

  constructor(
    private readonly path: string,
    private readonly key: Uint8Array,
    private readonly owner: StoreOwner,
  ) {}

  /**
   * The held events on disk; none when there is no file. A file that does not open (damaged,
   * another key or device) is reported through `onUnreadable` and counts as empty: the events
   * in it then get the notice that they could not be decrypted, when they are sent again.
   */
  load(onUnreadable: (reason: string) => void): HeldEvent[] {
    try {
      const opened = readSealedFile(this.path, this.key, LABEL);
      if (!opened) {
        this.lastWritten = serializeDumps([]).toString('base64');
        return [];
      }
      if (opened.owner.userId !== this.owner.userId || opened.owner.deviceId !== this.owner.deviceId) {
        onUnreadable(`${this.path} belongs to device ${opened.owner.deviceId}`);
        return [];
      }
      if (!Array.isArray(opened.value)) throw new StoreFileError('damaged', `${this.path} is damaged (not a list)`);
      const held = opened.value.filter(isHeld);
      this.lastWritten = serializeDumps(held).toString('base64');
      return held;
    } catch (err) {
      if (!(err instanceof StoreFileError)) throw err;
      onUnreadable(err.message);
      return [];
    }
  }

  /** Writes the held events (skipped when they are what the file already holds). */
  async save(held: readonly HeldEvent[]): Promise<void> {
    const plain = serializeDumps(held);
    const text = plain.toString('base64');
    if (text === this.lastWritten) return;
    await writeStoreFile(this.path, this.key, this.owner, plain, LABEL);
    this.lastWritten = text;
  }
}
