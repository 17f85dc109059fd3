export * from './real-services.js';
