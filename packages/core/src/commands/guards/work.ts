import { TimeoutError } from '../../errors/index.js';
import type { CommandResult } from '../define-command.js';
import type { Guard } from '../middleware.js';
import { typingWhileWorking } from './typing.js';
import { isThenable } from './util.js';

/**
 * What a command that goes asynchronous gets: the time budget (its own `timeoutMs`, else the
 * bot's; past it the signal is aborted and the answer says so) and typing (after
 * `typingDelayMs`, renewed before the platform's typing timeout, stopped at the end). One
 * stage for both, and nothing at all for a synchronous answer: no timer, no promise.
 */
export const work: Guard = {
  name: 'work',
  setup(bot) {
    const prefix = bot.settings.prefix;
    const typingDelayMs = bot.typingDelayMs;
    return (command) => {
      const budget = command.timeoutMs ?? bot.timeoutMs;
      const seconds = Math.round(budget / 100) / 10;
      const userMessage = `${prefix}${command.name} took longer than ${seconds} s and was stopped.`;
      return (ctx, next) => {
        const result = next();
        if (!isThenable(result)) return result;
        const adapter = ctx.adapter;
        const stopTyping =
          adapter.typing === undefined ? undefined : typingWhileWorking(adapter, ctx.message.room, typingDelayMs);
        return new Promise<CommandResult>((resolve, reject) => {
          const timer = setTimeout(() => {
            const error = new TimeoutError(
              'command',
              `${command.name} ran past its budget of ${budget} ms`,
              userMessage,
            );
            ctx.abort(error);
            stopTyping?.();
            reject(error);
          }, budget);
          result.then(
            (value) => {
              clearTimeout(timer);
              stopTyping?.();
              resolve(value);
            },
            (error: unknown) => {
              clearTimeout(timer);
              stopTyping?.();
              reject(error);
            },
          );
        });
      };
    };
  },
};
