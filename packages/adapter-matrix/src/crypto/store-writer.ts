import { randomUUID } from 'node:crypto';
import { digest, serializeDumps, writeStoreFile, type StoreJournal, type StoreOwner } from './crypto-store-file.js';
import { IncrementalDump } from './indexeddb-dump.js';
import { takeWrites } from './indexeddb-journal.js';

/**
 * The crate's IndexedDB object store of outbound Megolm sessions (one per room). Its records
 * are rewritten at every encrypted send, and a start drops them (start-crypto): the journal
 * leaves them out.
 */
export const OUTBOUND_SESSIONS_STORE = 'outbound_group_sessions';
const NOT_JOURNALED: ReadonlySet<string> = new Set([OUTBOUND_SESSIONS_STORE]);
/** The journal is folded into a new store file once it outgrows the file, and at least this size. */
const JOURNAL_MIN_BYTES = 256 * 1024;

/** What {@link StoreWriter} is built from (see `RoomCryptoParts`). */
export interface StoreWriterParts {
  readonly owner: StoreOwner;
  readonly storeKey: Uint8Array;
  readonly storeFile: string;
  /** The journal of the writes since the store file was written (continued from the restored one). */
  readonly journal: StoreJournal;
  /** The IndexedDB name prefix of this process's copy of the store (`<name>::`). */
  readonly storePrefix: string;
}

/**
 * Puts the crate's in-memory IndexedDB store on disk: the writes since the last call as one
 * journal record, or the whole store as a new encrypted store file that starts a new journal.
 */
export class StoreWriter {
  private lastDigest: string | undefined;
  private persisting: Promise<void> | undefined;
  private persistAgain = false;
  /** Reads the IndexedDB copy again only where the machine wrote since the last write. */
  private readonly dumper: IncrementalDump;
  /** The next write is of the whole store (the first of a run, a failed journal append, the stop). */
  private wholeNext = true;
  /** The size of the store file last written (serialised, before encryption). */
  private wholeBytes = 0;

  constructor(private readonly p: StoreWriterParts) {
    this.dumper = new IncrementalDump(p.storePrefix);
  }

  /**
   * Puts what the machine wrote on disk: the writes committed since the last call appended to
   * the journal as one record (a few KB, one `fdatasync`), or, for the first write of a run,
   * after a schema change, a failed append or once the journal outgrew the store file, the
   * whole store dumped into a new store file that starts a new journal. Concurrent calls
   * coalesce; the returned promise resolves once everything written before the call is on disk.
   */
  async persist(): Promise<void> {
    if (this.persisting !== undefined) {
      this.persistAgain = true;
      while (this.persisting !== undefined) await this.persisting;
      return;
    }
    this.persisting = (async () => {
      do {
        this.persistAgain = false;
        await this.writeOnce();
      } while (this.persistAgain);
    })().finally(() => {
      this.persisting = undefined;
    });
    await this.persisting;
  }

  /** Makes the next write fold the journal into a new store file (the stop: the next start reads one file). */
  foldJournalNext(): void {
    if (this.p.journal.bytes > 0) this.wholeNext = true;
  }

  private async writeOnce(): Promise<void> {
    const { journal } = this.p;
    // Taken before the dump reads the stores: a whole write holds them, a journal record has them.
    const { ops, reshaped } = takeWrites(this.p.storePrefix, NOT_JOURNALED);
    if (this.wholeNext || reshaped || journal.bytes > Math.max(JOURNAL_MIN_BYTES, this.wholeBytes)) {
      this.wholeNext = true;
      await this.writeWhole(ops.length > 0);
      this.wholeNext = false;
      return;
    }
    if (ops.length === 0) return;
    try {
      await journal.append(serializeDumps(ops));
    } catch (err) {
      // Those writes are lost to the journal (and a torn record ends it): the next write is whole.
      this.wholeNext = true;
      throw err;
    }
  }

  /** Dumps the whole store into a new store file and starts its journal (skipped when nothing changed). */
  private async writeWhole(wrote: boolean): Promise<void> {
    const { databases, changed } = await this.dumper.dump();
    if (!wrote && !changed && this.p.journal.bytes === 0 && this.lastDigest !== undefined) return;
    const plain = serializeDumps(databases);
    const sum = digest(plain);
    if (sum === this.lastDigest && this.p.journal.bytes === 0) return;
    const epoch = randomUUID();
    await writeStoreFile(this.p.storeFile, this.p.storeKey, this.p.owner, plain, undefined, epoch);
    this.lastDigest = sum;
    this.wholeBytes = plain.length;
    // The file holds everything the journal had: a crash before this leaves old-epoch records, which do not open.
    await this.p.journal.restart(epoch);
  }
}
