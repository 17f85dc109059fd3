export * from './umami-shapes.js';
export * from './umami-fixtures.js';
export * from './umami-stand-in.js';
