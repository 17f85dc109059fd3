import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandledLog } from '@stats/core/adapter';
import type { IFilterInfo, IStorageProvider } from 'matrix-bot-sdk';

/**
 * An event handed to the bot but not yet answered (fetched again and replayed after a crash).
 * Only ids are kept: the event itself may hold a password and never goes to disk.
 */
export interface PendingEvent {
  readonly roomId: string;
  readonly eventId: string;
  readonly sentAt: number;
}

interface SyncStateFile {
  version: 1;
  syncToken: string | null;
  filter: IFilterInfo | null;
  /** Event id → when it was sent (Unix ms). */
  handled: Record<string, number>;
  pending: Record<string, PendingEvent>;
  values: Record<string, string>;
}

/** How long changes gather before they are written together. */
const WRITE_DELAY_MS = 50;

const EMPTY: SyncStateFile = { version: 1, syncToken: null, filter: null, handled: {}, pending: {}, values: {} };

/**
 * The adapter's state in `DATA_DIR` (`matrix-sync.json`): matrix-bot-sdk's sync token and
 * filter (it implements the SDK's storage port), plus the ids of handled events (the core's
 * {@link HandledLog} port: the intake gate decides, this store keeps) and the events still being
 * answered, so a restart resumes where it stopped and never answers an event twice.
 * Writes go to a temporary file renamed over the old one, one at a time, changes within 50 ms
 * together; `flush()` writes at once and awaits them.
 */
export class SyncStateStore implements IStorageProvider, HandledLog {
  private readonly file: string;
  private readonly data: SyncStateFile;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  /** True when no state file existed: the very first start. */
  readonly firstStart: boolean;

  constructor(
    dataDir: string,
    private readonly onWriteError: (err: unknown) => void = () => {},
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'matrix-sync.json');
    let loaded: SyncStateFile | undefined;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SyncStateFile>;
      loaded = {
        ...EMPTY,
        ...parsed,
        handled: parsed.handled ?? {},
        pending: parsed.pending ?? {},
        values: parsed.values ?? {},
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onWriteError(err);
    }
    this.firstStart = loaded?.syncToken == null;
    this.data = loaded ?? structuredClone(EMPTY);
  }

  setSyncToken(token: string | null): void {
    this.data.syncToken = token;
    this.schedule();
  }

  getSyncToken(): string | null {
    return this.data.syncToken;
  }

  setFilter(filter: IFilterInfo): void {
    this.data.filter = filter;
    this.schedule();
  }

  getFilter(): IFilterInfo {
    // The SDK's port types this as always present; it checks for a falsy value at runtime.
    return this.data.filter as IFilterInfo;
  }

  storeValue(key: string, value: string): void {
    this.data.values[key] = value;
    this.schedule();
  }

  readValue(key: string): string | undefined {
    return this.data.values[key];
  }

  /** True when the event was answered (or deliberately dropped) before. */
  has(eventId: string): boolean {
    return eventId in this.data.handled;
  }

  /** Records an event as being answered. */
  markPending(eventId: string, pending: PendingEvent): void {
    this.data.pending[eventId] = pending;
    this.schedule();
  }

  /** Records an event as done; `sentAt` decides when the record may be forgotten. */
  add(eventId: string, sentAt: number): void {
    delete this.data.pending[eventId];
    this.data.handled[eventId] = sentAt;
    this.schedule();
  }

  /** Events that were being answered when the process stopped. */
  pending(): PendingEvent[] {
    return Object.values(this.data.pending);
  }

  /** Forgets handled ids of events sent before `before` (they fall outside any catch-up window). */
  forget(before: number): void {
    for (const [id, sentAt] of Object.entries(this.data.handled)) if (sentAt < before) delete this.data.handled[id];
    this.schedule();
  }

  /** Resolves when every change so far is on disk. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.timer !== undefined) this.startWriting();
      if (!this.writing) return;
      await this.writing;
    }
  }

  /**
   * Changes within {@link WRITE_DELAY_MS} share one write: each write serialises the whole
   * state, and one command makes several changes (pending, handled, the sync token). Every
   * write is a consistent snapshot, and a reply sent again after a crash carries the same
   * transaction id, which the homeserver de-duplicates.
   */
  private schedule(): void {
    this.dirty = true;
    if (this.writing || this.timer !== undefined) return;
    this.timer = setTimeout(() => this.startWriting(), WRITE_DELAY_MS);
  }

  private startWriting(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing) return;
    this.writing = this.writeOnce().finally(() => {
      this.writing = undefined;
      // Changes made during the last write wait for the next slot rather than going at once.
      if (this.dirty) this.schedule();
    });
  }

  private async writeOnce(): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      const temporary = `${this.file}.${process.pid}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify(this.data), { mode: 0o600 });
        await rename(temporary, this.file);
      } catch (err) {
        this.onWriteError(err);
      }
    }
  }
}
