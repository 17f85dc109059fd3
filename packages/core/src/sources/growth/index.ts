export * from './growth-source.js';
