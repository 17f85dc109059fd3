/** Where the part lists are kept (the adapter's state store in DATA_DIR). */
export interface PartStore {
  storeValue(key: string, value: string): void;
  readValue(key: string): string | undefined;
}

const KEY = 'split-parts';

/**
 * Remembers which events make up one message sent in several parts, keyed by its first event
 * (the id the core keeps), so an edit can replace every part. Kept in DATA_DIR, so an alert
 * resolved after a restart still edits all parts; only the latest `limit` messages are kept.
 */
export class SplitParts {
  private entries: Map<string, string[]> | undefined;

  constructor(
    private readonly store: PartStore,
    private readonly limit = 500,
  ) {}

  private load(): Map<string, string[]> {
    if (this.entries) return this.entries;
    let value: unknown = [];
    try {
      value = JSON.parse(this.store.readValue(KEY) ?? '[]');
    } catch {
      value = [];
    }
    this.entries = new Map(Array.isArray(value) ? (value as [string, string[]][]) : []);
    return this.entries;
  }

  /** Records the events of one message in `roomId`; a message of one part needs no record (an old one is dropped). */
  remember(roomId: string, eventIds: readonly string[]): void {
    const [first] = eventIds;
    if (first === undefined) return;
    const key = `${roomId} ${first}`;
    const entries = this.load();
    if (eventIds.length < 2 && !entries.has(key)) return;
    entries.delete(key);
    if (eventIds.length >= 2) entries.set(key, [...eventIds]);
    while (entries.size > this.limit) entries.delete(entries.keys().next().value ?? key);
    this.store.storeValue(KEY, JSON.stringify([...entries]));
  }

  /** The events of the message whose first event is `firstId` (just that one when unknown). */
  partsOf(roomId: string, firstId: string): string[] {
    return this.load().get(`${roomId} ${firstId}`) ?? [firstId];
  }
}
