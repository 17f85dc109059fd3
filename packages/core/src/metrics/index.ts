export * from './metrics.js';
export * from './fast-metrics.js';
