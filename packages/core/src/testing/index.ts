/**
 * @stats/core/testing: an in-memory adapter and `createTestBot`, so a command can be tested
 * without a chat server.
 *
 * @packageDocumentation
 */
export * from './memory-adapter.js';
export * from './create-test-bot.js';
