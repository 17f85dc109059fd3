import type { IdbKey } from './indexeddb-dump.js';

/** A key range as plain data (`IDBKeyRange` does not survive serialisation). */
export interface KeyRangeParts {
  readonly lower: IdbKey | undefined;
  readonly upper: IdbKey | undefined;
  readonly lowerOpen: boolean;
  readonly upperOpen: boolean;
}

/** One committed write, as the IndexedDB API received it: replayed in order, it redoes the change. */
export type JournalOp =
  | { readonly db: string; readonly store: string; readonly op: 'put'; readonly value: unknown; readonly key?: IdbKey }
  | { readonly db: string; readonly store: string; readonly op: 'delete'; readonly key: IdbKey | KeyRangeParts }
  | { readonly db: string; readonly store: string; readonly op: 'clear' };

type Op = JournalOp extends infer T ? (T extends JournalOp ? Omit<T, 'db'> : never) : never;

interface Global {
  IDBObjectStore?: { prototype: object };
  IDBCursor?: { prototype: object };
  IDBDatabase?: { prototype: object };
  IDBKeyRange?: {
    new (): unknown;
    prototype: object;
    bound(lower: IdbKey, upper: IdbKey, lowerOpen: boolean, upperOpen: boolean): unknown;
    lowerBound(lower: IdbKey, open: boolean): unknown;
    upperBound(upper: IdbKey, open: boolean): unknown;
  };
}

interface StoreLike {
  readonly name: string;
  readonly keyPath: string | string[] | null;
  readonly transaction: TxLike;
}
interface TxLike {
  readonly db: { readonly name: string };
  addEventListener(type: 'complete', listener: () => void): void;
}
interface RequestLike {
  addEventListener(type: 'success', listener: () => void): void;
}

/** A captured write: the op and, where it names one record, an id of that record's key. */
interface Captured {
  readonly op: Op;
  readonly id: string | undefined;
}
/** Writes of transactions still running (moved to {@link committed} when one completes). */
const running = new WeakMap<object, { db: string; ops: Captured[] }>();
/** Committed writes not taken yet, in commit order, with their full database names. */
const committed: { name: string; item: Captured }[] = [];

/** A string that is equal for equal IndexedDB keys (undefined for what is not a key). */
function keyId(key: unknown): string | undefined {
  if (typeof key === 'string') return `s${key}`;
  if (typeof key === 'number') return `n${key}`;
  if (key instanceof Date) return `d${key.getTime()}`;
  if (key instanceof ArrayBuffer) return `b${Buffer.from(key).toString('hex')}`;
  if (ArrayBuffer.isView(key)) return `b${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')}`;
  if (Array.isArray(key)) {
    const parts = key.map(keyId);
    return parts.includes(undefined) ? undefined : `[${parts.join(',')}]`;
  }
  return undefined;
}

/** The inline key of a value under a key path (undefined when it has none there). */
function inlineKey(value: unknown, keyPath: string | string[]): unknown {
  if (Array.isArray(keyPath)) return keyPath.map((path) => inlineKey(value, path));
  let at: unknown = value;
  for (const part of keyPath === '' ? [] : keyPath.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
/** Databases whose schema changed (stores or indexes created or deleted) since they were last taken. */
const reshaped = new Set<string>();
let capturing = false;

function note(tx: TxLike, request: RequestLike, op: Op, keyPath: string | string[] | null): void {
  let entry = running.get(tx);
  if (!entry) {
    const created = { db: tx.db.name, ops: [] as Captured[] };
    running.set(tx, created);
    // An aborted transaction never completes: its writes are dropped with it.
    tx.addEventListener('complete', () => {
      for (const item of created.ops) committed.push({ name: created.db, item });
      running.delete(tx);
    });
    entry = created;
  }
  const ops = entry.ops;
  const id =
    op.op === 'clear'
      ? undefined
      : op.op === 'delete' || op.key !== undefined
        ? keyId(op.key)
        : keyPath === null
          ? undefined
          : keyId(inlineKey(op.value, keyPath));
  // Only a write that succeeded is kept (a failed `add` inside a committed transaction did not happen).
  request.addEventListener('success', () => ops.push({ op, id }));
}

function rangeParts(key: unknown): IdbKey | KeyRangeParts {
  const g = globalThis as Global;
  if (g.IDBKeyRange && key instanceof (g.IDBKeyRange as unknown as new () => unknown)) {
    const range = key as KeyRangeParts;
    return { lower: range.lower, upper: range.upper, lowerOpen: range.lowerOpen, upperOpen: range.upperOpen };
  }
  return key as IdbKey;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

function wrap(proto: object | undefined, name: string, after: (self: never, args: unknown[], result: unknown) => void) {
  if (!proto) return;
  const methods = proto as Record<string, Method | undefined>;
  const original = methods[name];
  if (typeof original !== 'function') return;
  methods[name] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    after(this as never, args, result);
    return result;
  };
}

/**
 * Records, from now on, every committed write of the process's IndexedDB (once per process):
 * puts, adds, deletes and clears of object stores and cursors, kept per transaction until it
 * completes; schema changes only mark their database ({@link takeWrites}). The crate writes
 * through these standard methods only.
 */
export function captureWrites(): void {
  if (capturing) return;
  capturing = true;
  const g = globalThis as Global;
  const store = g.IDBObjectStore?.prototype;
  const put = (s: StoreLike, args: unknown[], request: unknown): void =>
    note(
      s.transaction,
      request as RequestLike,
      {
        store: s.name,
        op: 'put',
        value: args[0],
        ...(args.length > 1 && args[1] !== undefined ? { key: args[1] as IdbKey } : {}),
      },
      s.keyPath,
    );
  wrap(store, 'put', put);
  wrap(store, 'add', put);
  wrap(store, 'delete', (s: StoreLike, args, request) =>
    note(s.transaction, request as RequestLike, { store: s.name, op: 'delete', key: rangeParts(args[0]) }, s.keyPath),
  );
  wrap(store, 'clear', (s: StoreLike, _args, request) =>
    note(s.transaction, request as RequestLike, { store: s.name, op: 'clear' }, s.keyPath),
  );
  type Cursor = { source: StoreLike | { objectStore: StoreLike }; primaryKey: IdbKey };
  const sourceOf = (c: Cursor): StoreLike => ('objectStore' in c.source ? c.source.objectStore : c.source);
  wrap(g.IDBCursor?.prototype, 'update', (c: Cursor, args, request) => {
    const s = sourceOf(c);
    note(
      s.transaction,
      request as RequestLike,
      { store: s.name, op: 'put', value: args[0], ...(s.keyPath === null ? { key: c.primaryKey } : {}) },
      s.keyPath,
    );
  });
  wrap(g.IDBCursor?.prototype, 'delete', (c: Cursor, _args, request) => {
    const s = sourceOf(c);
    note(s.transaction, request as RequestLike, { store: s.name, op: 'delete', key: c.primaryKey }, s.keyPath);
  });
  const mark = (name: string): void => void reshaped.add(name);
  for (const method of ['createIndex', 'deleteIndex'])
    wrap(store, method, (s: StoreLike) => mark(s.transaction.db.name));
  for (const method of ['createObjectStore', 'deleteObjectStore'])
    wrap(g.IDBDatabase?.prototype, method, (db: { name: string }) => mark(db.name));
}

/**
 * Takes the committed writes of the databases under `prefix` (database names without it), in
 * commit order, without those to the `skip` stores and those a later write makes moot (an
 * earlier put or delete of the same record, anything before a clear of its store): replayed,
 * they give the same records. Also says whether a database changed its schema since the last
 * take (a journal cannot redo that: write the whole store).
 */
export function takeWrites(
  prefix: string,
  skip: ReadonlySet<string> = new Set(),
): { ops: JournalOp[]; reshaped: boolean } {
  const mine: { name: string; item: Captured }[] = [];
  let kept = 0;
  for (const entry of committed) {
    if (entry.name.startsWith(prefix)) mine.push(entry);
    else committed[kept++] = entry;
  }
  committed.length = kept;
  const cleared = new Set<string>();
  const seen = new Set<string>();
  const ops: JournalOp[] = [];
  for (let i = mine.length - 1; i >= 0; i -= 1) {
    const { name, item } = mine[i] as { name: string; item: Captured };
    const store = `${name}\u0000${item.op.store}`;
    if (skip.has(item.op.store) || cleared.has(store)) continue;
    if (item.op.op === 'clear') cleared.add(store);
    else if (item.id !== undefined) {
      const record = `${store}\u0000${item.id}`;
      if (seen.has(record)) continue;
      seen.add(record);
    }
    ops.push({ ...item.op, db: name.slice(prefix.length) } as JournalOp);
  }
  ops.reverse();
  let changed = false;
  for (const name of [...reshaped])
    if (name.startsWith(prefix)) {
      reshaped.delete(name);
      changed = true;
    }
  return { ops, reshaped: changed };
}

interface IdbLike {
  readonly objectStoreNames: Iterable<string>;
  transaction(
    names: string[],
    mode: 'readwrite',
  ): {
    objectStore(name: string): {
      put(value: unknown, key?: IdbKey): unknown;
      delete(key: unknown): unknown;
      clear(): unknown;
    };
    oncomplete: (() => void) | null;
    onerror: (() => void) | null;
    onabort: (() => void) | null;
    error: unknown;
  };
  close(): void;
}

function toKey(key: IdbKey | KeyRangeParts): unknown {
  if (typeof key !== 'object' || key === null || !('lowerOpen' in key)) return key;
  const range = (globalThis as Global).IDBKeyRange;
  if (!range) throw new Error('no IDBKeyRange in this process');
  if (key.lower !== undefined && key.upper !== undefined)
    return range.bound(key.lower, key.upper, key.lowerOpen, key.upperOpen);
  if (key.lower !== undefined) return range.lowerBound(key.lower, key.lowerOpen);
  if (key.upper !== undefined) return range.upperBound(key.upper, key.upperOpen);
  throw new Error('a key range without bounds');
}

/**
 * Redoes journaled writes on the databases under `prefix` (restored from the store file first),
 * in order, one transaction per database; writes to stores that do not exist are skipped.
 */
export async function replayWrites(
  prefix: string,
  ops: readonly JournalOp[],
  open: (name: string) => Promise<IdbLike>,
): Promise<void> {
  const byDb = new Map<string, JournalOp[]>();
  for (const op of ops) {
    const list = byDb.get(op.db) ?? [];
    list.push(op);
    byDb.set(op.db, list);
  }
  for (const [suffix, list] of byDb) {
    const db = await open(`${prefix}${suffix}`);
    try {
      const names = new Set(db.objectStoreNames);
      const apply = list.filter((op) => names.has(op.store));
      if (apply.length === 0) continue;
      const tx = db.transaction([...new Set(apply.map((op) => op.store))], 'readwrite');
      const finished = new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject((tx.error as Error | null) ?? new Error('IndexedDB replay failed'));
        tx.onabort = () => reject((tx.error as Error | null) ?? new Error('IndexedDB replay aborted'));
      });
      for (const op of apply) {
        const store = tx.objectStore(op.store);
        if (op.op === 'put') {
          if (op.key === undefined) store.put(op.value);
          else store.put(op.value, op.key);
        } else if (op.op === 'delete') store.delete(toKey(op.key));
        else store.clear();
      }
      await finished;
    } finally {
      db.close();
    }
  }
}
