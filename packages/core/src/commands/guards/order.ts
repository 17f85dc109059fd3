import type { Guard } from '../middleware.js';
import { answer } from './answer.js';
import { argumentsGuard } from './arguments.js';
import { directOnly } from './direct-only.js';
import { rateLimit } from './rate-limit.js';
import { redactSensitive } from './redact-sensitive.js';
import { sessionAuth } from './session-auth.js';
import { userMiddleware } from './user-middleware.js';
import { work } from './work.js';

/**
 * The dispatch chain of every command, outermost first; the command's `run` comes last. Each
 * step sees what the ones before it let through and set on the context:
 *
 * 1. `answer`: sends the answer, or the failure's answer (so it sees every failure below);
 * 2. `direct-only`: refuses direct-only and sensitive commands in shared rooms;
 * 3. `redact-sensitive`: removes a password message from a direct room as well;
 * 4. `rate-limit`: the per-user token bucket;
 * 5. `arguments`: validates `ctx.args`;
 * 6. `work`: once the rest goes asynchronous, the time budget and typing (renewed);
 * 7. `session`: the session of `auth: 'session'` commands;
 * 8. `middleware`: the bot author's middleware.
 *
 * A new guard is a new {@link Guard} handed to the bot with its place
 * (`createBot({ guards: [{ guard, before: 'rate-limit' }] })`); the dispatcher does not change.
 */
export const defaultGuards: readonly Guard[] = Object.freeze([
  answer,
  directOnly,
  redactSensitive,
  rateLimit,
  argumentsGuard,
  work,
  sessionAuth,
  userMiddleware,
]);
