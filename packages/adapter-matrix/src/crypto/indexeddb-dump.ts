/** A key IndexedDB accepts (the crate uses strings, numbers and arrays of them). */
export type IdbKey = string | number | Date | ArrayBuffer | ArrayBufferView | IdbKey[];

/* The slice of the IndexedDB API used here (the DOM types are not part of this Node build). */
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
}
interface IdbIndex {
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
}
interface IdbStore {
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexNames: Iterable<string>;
  index(name: string): IdbIndex;
  getAll(): IdbRequest<unknown[]>;
  getAllKeys(): IdbRequest<IdbKey[]>;
  put(value: unknown, key?: IdbKey): unknown;
  delete(key: unknown): unknown;
  clear(): unknown;
  createIndex(name: string, keyPath: string | string[], options: { unique: boolean; multiEntry: boolean }): unknown;
}
interface IdbTransaction {
  objectStore(name: string): IdbStore;
  error: unknown;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
interface IdbDatabase {
  readonly version: number;
  readonly objectStoreNames: Iterable<string>;
  transaction(names: string[], mode: 'readonly' | 'readwrite'): IdbTransaction;
  createObjectStore(name: string, options: { keyPath: string | string[] | null; autoIncrement: boolean }): IdbStore;
  close(): void;
}
/** The IndexedDB factory (`globalThis.indexedDB`). */
export interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
  databases(): Promise<{ name?: string; version?: number }[]>;
  deleteDatabase(name: string): IdbRequest<unknown>;
}

function factory(): IdbFactory {
  const idb = (globalThis as { indexedDB?: IdbFactory }).indexedDB;
  if (!idb) throw new Error('no IndexedDB in this process');
  return idb;
}

/** One object store: its schema and every record. */
export interface StoreDump {
  readonly name: string;
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  readonly keys: IdbKey[];
  readonly values: unknown[];
}

/** One IndexedDB database, named without the store's prefix. */
export interface DatabaseDump {
  readonly suffix: string;
  readonly version: number;
  readonly stores: StoreDump[];
}

function done<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject((request.error as Error | null) ?? new Error('IndexedDB request failed'));
  });
}

function open(name: string, version?: number, upgrade?: (db: IdbDatabase) => void): Promise<IdbDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? factory().open(name) : factory().open(name, version);
    request.onupgradeneeded = () => upgrade?.(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject((request.error as Error | null) ?? new Error(`could not open IndexedDB ${name}`));
  });
}

/** Opens an existing database at its current version. */
export function openDatabase(name: string): Promise<IdbDatabase> {
  return open(name);
}

/**
 * Reads every database whose name starts with `prefix` through the standard IndexedDB API:
 * stores, key paths, indexes, keys and values (values stay as the crypto crate wrote them,
 * already encrypted with the store key).
 */
export async function dumpDatabases(prefix: string): Promise<DatabaseDump[]> {
  const out: DatabaseDump[] = [];
  for (const info of await factory().databases()) {
    if (info.name === undefined || !info.name.startsWith(prefix)) continue;
    const db = await open(info.name);
    try {
      const names = [...db.objectStoreNames];
      const stores: StoreDump[] = [];
      if (names.length > 0) {
        const tx = db.transaction(names, 'readonly');
        for (const name of names) {
          const store = tx.objectStore(name);
          const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
          const indexes = [...store.indexNames].map((indexName) => {
            const index = store.index(indexName);
            return { name: indexName, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
          });
          stores.push({ name, keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes, keys, values });
        }
      }
      out.push({ suffix: info.name.slice(prefix.length), version: db.version, stores });
    } finally {
      db.close();
    }
  }
  return out;
}

/**
 * What was written since it was last read: `<database>\u0000<object store>` for records, the
 * database name alone for a schema change. Filled by {@link trackWrites}.
 */
const touched = new Set<string>();
let tracking = false;

type Method = (this: unknown, ...args: unknown[]) => unknown;

function wrap(proto: object | undefined, names: readonly string[], mark: (self: never) => string): void {
  if (!proto) return;
  const methods = proto as Record<string, Method | undefined>;
  for (const name of names) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = function (this: unknown, ...args: unknown[]) {
      touched.add(mark(this as never));
      return original.apply(this, args);
    };
  }
}

/**
 * Wraps the writing methods of the process's IndexedDB classes (once) so that a dump can tell
 * which object stores changed. The crate writes through these standard methods only.
 */
function trackWrites(): void {
  if (tracking) return;
  tracking = true;
  const g = globalThis as unknown as Record<string, { prototype: object } | undefined>;
  type Store = { name: string; transaction: { db: { name: string } } };
  const storeKey = (store: Store): string => `${store.transaction.db.name}\u0000${store.name}`;
  wrap(g['IDBObjectStore']?.prototype, ['put', 'add', 'delete', 'clear'], storeKey);
  wrap(g['IDBObjectStore']?.prototype, ['createIndex', 'deleteIndex'], (store: Store) => store.transaction.db.name);
  wrap(g['IDBCursor']?.prototype, ['update', 'delete'], (cursor: { source: Store | { objectStore: Store } }) =>
    storeKey('objectStore' in cursor.source ? cursor.source.objectStore : cursor.source),
  );
  wrap(g['IDBDatabase']?.prototype, ['createObjectStore', 'deleteObjectStore'], (db: { name: string }) => db.name);
}

/**
 * Dumps the databases under a prefix like {@link dumpDatabases}, but reads again only the
 * object stores written since the previous dump (the others come from its cache): sending one
 * encrypted message changes one record of one store, not the whole store.
 */
export class IncrementalDump {
  private cache = new Map<string, DatabaseDump>();

  constructor(private readonly prefix: string) {
    trackWrites();
  }

  /** The dumps, and whether anything changed since the previous call. */
  async dump(): Promise<{ databases: DatabaseDump[]; changed: boolean }> {
    const next = new Map<string, DatabaseDump>();
    let changed = false;
    for (const info of await factory().databases()) {
      const name = info.name;
      if (name === undefined || !name.startsWith(this.prefix)) continue;
      const cached = this.cache.get(name);
      const whole = cached === undefined || touched.has(name) || cached.version !== info.version;
      const stale = whole
        ? undefined
        : new Set(cached.stores.map((s) => s.name).filter((store) => touched.has(`${name}\u0000${store}`)));
      if (cached && stale?.size === 0) {
        next.set(name, cached);
        continue;
      }
      changed = true;
      // Marks are cleared before reading: a write during the read marks its store again.
      touched.delete(name);
      for (const store of whole
        ? [...touched].filter((key) => key.startsWith(`${name}\u0000`)).map((key) => key.slice(name.length + 1))
        : (stale ?? []))
        touched.delete(`${name}\u0000${store}`);
      next.set(name, await readDatabase(name, this.prefix, whole ? undefined : { cached, stale: stale ?? new Set() }));
    }
    if (next.size !== this.cache.size) changed = true;
    this.cache = next;
    return { databases: [...next.values()], changed };
  }
}

/** Reads one database; with `reuse`, only its stale stores (the others are taken from the cache). */
async function readDatabase(
  name: string,
  prefix: string,
  reuse: { cached: DatabaseDump; stale: ReadonlySet<string> } | undefined,
): Promise<DatabaseDump> {
  const db = await open(name);
  try {
    const names = [...db.objectStoreNames];
    const read = reuse ? names.filter((n) => reuse.stale.has(n)) : names;
    const fresh = new Map<string, StoreDump>();
    if (read.length > 0) {
      const tx = db.transaction(read, 'readonly');
      for (const storeName of read) {
        const store = tx.objectStore(storeName);
        const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
        const indexes = [...store.indexNames].map((indexName) => {
          const index = store.index(indexName);
          return { name: indexName, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
        });
        fresh.set(storeName, {
          name: storeName,
          keyPath: store.keyPath,
          autoIncrement: store.autoIncrement,
          indexes,
          keys,
          values,
        });
      }
    }
    const stores = names
      .map((n) => fresh.get(n) ?? reuse?.cached.stores.find((s) => s.name === n))
      .filter((s): s is StoreDump => s !== undefined);
    return { suffix: name.slice(prefix.length), version: db.version, stores };
  } finally {
    db.close();
  }
}

/** Recreates dumped databases under `prefix` (which must not exist yet). */
export async function restoreDatabases(prefix: string, dumps: readonly DatabaseDump[]): Promise<void> {
  for (const dump of dumps) {
    const db = await open(`${prefix}${dump.suffix}`, dump.version, (fresh) => {
      for (const s of dump.stores) {
        const store = fresh.createObjectStore(s.name, { keyPath: s.keyPath, autoIncrement: s.autoIncrement });
        for (const index of s.indexes)
          store.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
      }
    });
    try {
      if (dump.stores.length === 0) continue;
      const tx = db.transaction(
        dump.stores.map((s) => s.name),
        'readwrite',
      );
      const finished = new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject((tx.error as Error | null) ?? new Error('IndexedDB restore failed'));
        tx.onabort = () => reject((tx.error as Error | null) ?? new Error('IndexedDB restore aborted'));
      });
      for (const s of dump.stores) {
        const store = tx.objectStore(s.name);
        s.values.forEach((value, i) => {
          if (s.keyPath === null) store.put(value, s.keys[i]);
          else store.put(value);
        });
      }
      await finished;
    } finally {
      db.close();
    }
  }
}

/** Deletes every database whose name starts with `prefix` (frees the in-memory copy). */
export async function deleteDatabases(prefix: string): Promise<void> {
  for (const info of await factory().databases()) {
    if (info.name !== undefined && info.name.startsWith(prefix)) await done(factory().deleteDatabase(info.name));
  }
}
