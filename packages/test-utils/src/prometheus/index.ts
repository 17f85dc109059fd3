export * from './processes.js';
export * from './metrics-target.js';
export * from './prometheus-servers.js';
export * from './prometheus-stub.js';
