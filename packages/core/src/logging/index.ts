export * from './create-logger.js';
export type { Logger } from 'pino';
export * from './default-logger.js';
