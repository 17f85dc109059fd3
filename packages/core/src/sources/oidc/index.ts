export * from './device-flow-client.js';
