import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabaseForTest } from '../../test/fake-indexeddb.js';
import { dumpDatabases, IncrementalDump } from './indexeddb-dump.js';

type Db = {
  createObjectStore(name: string, options: { keyPath: string | null }): unknown;
  transaction(names: string[], mode: 'readwrite'): Tx;
  close(): void;
};
type Tx = { objectStore(name: string): Store; oncomplete: (() => void) | null; onerror: (() => void) | null };
type Store = {
  put(value: unknown, key?: string): unknown;
  delete(key: string): unknown;
  openCursor(): { onsuccess: (() => void) | null; result: Cursor | null };
};
type Cursor = { value: Record<string, unknown>; update(value: unknown): unknown; continue(): void };
function open(name: string, version: number, upgrade: (db: Db) => void = () => {}): Promise<Db> {
  return openDatabaseForTest(name, version, upgrade);
}

async function write(db: Db, stores: string[], work: (tx: Tx) => void): Promise<void> {
  const tx = db.transaction(stores, 'readwrite');
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(new Error('write failed'));
  });
  work(tx);
  await done;
}

describe('IncrementalDump', () => {
  it('reads again only what changed, and always equals a full dump', async () => {
    const prefix = 'dump-test::';
    const dumper = new IncrementalDump(prefix);
    const a = await open(`${prefix}a`, 1, (db) => {
      db.createObjectStore('plain', { keyPath: null });
      db.createObjectStore('byId', { keyPath: 'id' });
    });
    await write(a, ['plain', 'byId'], (tx) => {
      tx.objectStore('plain').put('one', 'k1');
      tx.objectStore('plain').put('two', 'k2');
      tx.objectStore('byId').put({ id: 'x', n: 1 });
    });
    const first = await dumper.dump();
    expect(first.changed).toBe(true);
    expect(first.databases).toEqual(await dumpDatabases(prefix));
    expect((await dumper.dump()).changed).toBe(false);

    // A put, a delete and a cursor update, each in another store.
    await write(a, ['plain'], (tx) => {
      tx.objectStore('plain').delete('k1');
      tx.objectStore('plain').put('three', 'k3');
    });
    await write(a, ['byId'], (tx) => {
      const request = tx.objectStore('byId').openCursor();
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return;
        cursor.update({ ...cursor.value, n: 2 });
        cursor.continue();
      };
    });
    const second = await dumper.dump();
    expect(second.changed).toBe(true);
    expect(second.databases).toEqual(await dumpDatabases(prefix));
    expect(JSON.stringify(second.databases)).toContain('"n":2');
    expect(JSON.stringify(second.databases)).not.toContain('"one"');

    // A schema change (a new version with a new store) and a new database.
    a.close();
    const upgraded = await open(`${prefix}a`, 2, (db) => void db.createObjectStore('added', { keyPath: null }));
    const b = await open(`${prefix}b`, 1, (db) => void db.createObjectStore('only', { keyPath: null }));
    await write(b, ['only'], (tx) => void tx.objectStore('only').put(7, 'seven'));
    const third = await dumper.dump();
    expect(third.changed).toBe(true);
    expect(third.databases).toEqual(await dumpDatabases(prefix));
    expect(third.databases.map((d) => d.suffix).sort()).toEqual(['a', 'b']);
    expect(third.databases.find((d) => d.suffix === 'a')?.stores.map((s) => s.name)).toContain('added');
    upgraded.close();
    b.close();
  });
});
