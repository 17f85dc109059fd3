export * from './handled-log.js';
export * from './gate.js';
