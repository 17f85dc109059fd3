/**
 * `@stats/core/stores/sqlite`: sessions and schedules in one SQLite file, for a single process.
 * Needs the optional peer `better-sqlite3` (`npm install better-sqlite3`).
 *
 * @packageDocumentation
 */

// Sessions
export {
  createSqliteSessionStore,
  type SqliteSessionStore,
  type SqliteSessionStoreOptions,
} from './sqlite-session-store.js';

// Schedules: job state and delivery log
export { createSqliteScheduleStores, type SqliteScheduleStores } from '../../schedule/sqlite-stores.js';
