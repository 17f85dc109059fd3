export * from './http-server.js';
export * from './http-limits.js';
