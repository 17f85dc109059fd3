export * from './http-server.js';
