export type * from './types.js';
export type * from './adapter-metrics.js';
export type * from './send-limits.js';
export * from './mentions.js';
