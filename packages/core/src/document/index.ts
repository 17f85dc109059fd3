export * from './model.js';
export * from './builder.js';
export type * from './renderer.js';
