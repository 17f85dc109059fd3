/**
 * @stats/core: the transport-agnostic core of stats. Commands, documents and renderers,
 * sources, report builders, sessions and schedules; adapters bind it to one chat platform.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './chat/index.js';
export * from './document/index.js';
export * from './commands/index.js';
export * from './sessions/index.js';
export * from './sources/index.js';
export * from './config/index.js';
export * from './metrics/index.js';
export * from './logging/index.js';
export * from './server/index.js';
export * from './bot.js';
export * from './schedule/index.js';
export * from './console/index.js';
export * from './account/index.js';
export * from './alerts/index.js';
export * from './standard-bot.js';
export * from './reports/index.js';
export * from './builtins/index.js';
export * from './async/index.js';
export * from './lifecycle/index.js';
