export * from './prom-result.js';
export * from './prometheus-client.js';
export * from './prometheus-queries.js';
export * from './infrastructure.js';
