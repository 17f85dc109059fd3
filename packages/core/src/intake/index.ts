export type * from './handled-log.js'; // types only: no empty module to load
export * from './gate.js';
