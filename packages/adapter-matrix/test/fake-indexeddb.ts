import 'fake-indexeddb/auto';

/** The slice of an IndexedDB open request the crypto store tests use. */
interface OpenRequest<Db> {
  readonly result: Db;
  onupgradeneeded: (() => void) | null;
  onsuccess: (() => void) | null;
}

/**
 * Opens (and, on a new version, upgrades) a database of `fake-indexeddb`, the in-memory
 * IndexedDB the crate's store runs on under Node; `Db` is the caller's typing of the database.
 */
export function openDatabaseForTest<Db>(name: string, version: number, upgrade: (db: Db) => void): Promise<Db> {
  const indexedDB = (globalThis as unknown as { indexedDB: { open(name: string, version: number): OpenRequest<Db> } })
    .indexedDB;
  return new Promise((resolve) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = () => upgrade(request.result);
    request.onsuccess = () => resolve(request.result);
  });
}
