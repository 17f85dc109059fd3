export type * from './umami-types.js'; // types only: no empty module to load
export * from './umami-client.js';
export { readUmamiError } from './umami-shapes.js';
