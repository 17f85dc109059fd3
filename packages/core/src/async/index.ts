export * from './sleep.js';
export * from './race-signal.js';
export * from './settle-within.js';
