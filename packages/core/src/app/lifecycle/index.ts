export * from './process-lifecycle.js';
export * from './process-warnings.js';
