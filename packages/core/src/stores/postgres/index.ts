/**
 * `@stats/core/stores/postgres`: sessions in PostgreSQL. Needs the optional peer `pg` (`npm install pg`).
 *
 * @packageDocumentation
 */
export {
  createPostgresSessionStore,
  type PostgresSessionStore,
  type PostgresSessionStoreOptions,
} from './postgres-session-store.js';
