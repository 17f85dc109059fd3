export * from './stats-error.js';
