export * from './upstream-client.js';
export * from './upstream-errors.js';
export * from './ttl-cache.js';
