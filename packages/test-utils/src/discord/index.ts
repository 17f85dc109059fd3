export * from './discord-stand-in.js';
export type * from './state.js';
export type * from './payloads.js';
