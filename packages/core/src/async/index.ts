export * from './sleep.js';
export * from './race-signal.js';
