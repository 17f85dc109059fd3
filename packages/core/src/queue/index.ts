/**
 * `@stats/core/queue`: a notifier that delivers reports through a BullMQ queue, so replicas share
 * one rate limit per platform. Needs the optional peers `bullmq` and `ioredis`.
 *
 * @packageDocumentation
 */
export { createQueueNotifier, type QueueNotifier, type QueueNotifierOptions } from '../schedule/queue-notifier.js';
