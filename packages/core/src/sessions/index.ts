export type * from './types.js';
export * from './session-cipher.js';
export * from './session-codec.js';
export * from './memory-store.js';
export * from './single-flight.js';
export * from './token-expiry.js';
export * from './jwt-claims.js';
export * from './session-manager.js';
