export * from './redis-session-store.js';
