export * from './console-adapter.js';
