export * from './postgres-session-store.js';
