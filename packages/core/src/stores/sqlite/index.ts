export * from './sqlite-session-store.js';
