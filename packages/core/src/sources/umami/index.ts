export * from './umami-types.js';
export * from './umami-client.js';
export { readUmamiError } from './umami-shapes.js';
