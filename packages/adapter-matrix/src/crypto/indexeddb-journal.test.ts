import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { openDatabaseForTest } from '../../test/fake-indexeddb.js';
import { StoreJournal } from './crypto-store-file.js';
import { dumpDatabases, openDatabase, restoreDatabases } from './indexeddb-dump.js';
import { captureWrites, replayWrites, takeWrites } from './indexeddb-journal.js';

type Db = {
  createObjectStore(name: string, options: { keyPath: string | null }): unknown;
  transaction(names: string[], mode: 'readwrite'): Tx;
  close(): void;
};
type Tx = {
  objectStore(name: string): Store;
  abort(): void;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
};
type Store = { put(value: unknown, key?: string): unknown; delete(key: string): unknown; clear(): unknown };
function open(name: string, upgrade: (db: Db) => void): Promise<Db> {
  return openDatabaseForTest(name, 1, upgrade);
}

function write(db: Db, work: (tx: Tx) => void, abort = false): Promise<void> {
  const tx = db.transaction(['inline', 'outside'], 'readwrite');
  const done = new Promise<void>((resolve) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => resolve();
  });
  work(tx);
  if (abort) tx.abort();
  return done;
}

const schema = (db: Db): void => {
  db.createObjectStore('inline', { keyPath: 'id' });
  db.createObjectStore('outside', { keyPath: null });
};

describe('the IndexedDB write journal', () => {
  it('replays the committed writes onto the last dump and gets the same stores, without moot or aborted ones', async () => {
    captureWrites();
    const prefix = 'journal-test::';
    const db = await open(`${prefix}a`, schema);
    await write(db, (tx) => {
      tx.objectStore('inline').put({ id: 'x', n: 1 });
      tx.objectStore('outside').put('one', 'k1');
    });
    expect(takeWrites(prefix).reshaped).toBe(true); // the stores were created: a whole write
    const base = await dumpDatabases(prefix);
    await write(db, (tx) => {
      for (let n = 2; n <= 50; n += 1) tx.objectStore('inline').put({ id: 'x', n });
      tx.objectStore('inline').put({ id: 'y', n: 0 });
      tx.objectStore('outside').put('two', 'k2');
      tx.objectStore('outside').delete('k1');
    });
    await write(db, (tx) => tx.objectStore('outside').put('never', 'k3'), true);
    await write(db, (tx) => tx.objectStore('inline').delete('y'));
    const { ops, reshaped } = takeWrites(prefix);
    expect(reshaped).toBe(false);
    // Forty-nine puts of record x are one; y's put and delete are its delete; the aborted put is not there.
    expect(ops.map((op) => `${op.store} ${op.op}`)).toEqual([
      'inline put',
      'outside put',
      'outside delete',
      'inline delete',
    ]);
    expect(takeWrites(prefix).ops).toEqual([]);
    const expected = await dumpDatabases(prefix);
    db.close();

    const copy = 'journal-copy::';
    await restoreDatabases(copy, base);
    await replayWrites(copy, ops, openDatabase);
    expect(await dumpDatabases(copy)).toEqual(expected);
    expect(takeWrites(copy).ops.length).toBeGreaterThan(0); // the restore and replay were captured too
  });

  it('reads its records back up to a torn one, and none of an older epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-file-'));
    try {
      const path = join(dir, 'matrix-crypto.journal');
      const key = new Uint8Array(32).fill(7);
      const owner = { userId: '@stats:stats.test', deviceId: 'STATSBOT' };
      const journal = new StoreJournal(path, key, owner);
      await journal.restart('epoch-1');
      for (const n of [1, 2, 3]) await journal.append(serialize({ n }));
      await journal.close();
      expect(journal.read('epoch-1').length).toBe(3);
      expect(journal.read('epoch-2')).toEqual([]);
      const bytes = readFileSync(path);
      // A crash while the last record was written leaves it short: the two before it still read.
      writeFileSync(path, bytes.subarray(0, bytes.length - 5));
      expect(journal.read('epoch-1').length).toBe(2);
      // Another key does not open it.
      expect(new StoreJournal(path, new Uint8Array(32).fill(8), owner).read('epoch-1')).toEqual([]);
      // A new epoch starts an empty journal.
      await journal.restart('epoch-2');
      await journal.append(serialize({ n: 4 }));
      await journal.close();
      expect(journal.read('epoch-2').length).toBe(1);
      expect(journal.read('epoch-1')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
