import { TimeoutError } from '../../errors/index.js';
import type { CommandResult } from '../define-command.js';
import type { Guard, MiddlewareContext } from '../middleware.js';
import { isThenable } from './util.js';

/**
 * Stops a command at its time budget (its own `timeoutMs`, else the bot's): the signal is
 * aborted and the answer says so. Only a chain that went asynchronous gets a timer.
 */
export const timeBudget: Guard = {
  name: 'time-budget',
  setup(bot) {
    const prefix = bot.settings.prefix;
    return (command) => {
      const budget = command.timeoutMs ?? bot.timeoutMs;
      const seconds = Math.round(budget / 100) / 10;
      const userMessage = `${prefix}${command.name} took longer than ${seconds} s and was stopped.`;
      return (ctx, next) => {
        const result = next();
        if (!isThenable(result)) return result;
        return new Promise<CommandResult>((resolve, reject) => {
          const timer = setTimeout(() => {
            const error = new TimeoutError('command', `${command.name} ran past its budget of ${budget} ms`, userMessage);
            (ctx as MiddlewareContext).abort(error);
            reject(error);
          }, budget);
          result.then(
            (value) => {
              clearTimeout(timer);
              resolve(value);
            },
            (error: unknown) => {
              clearTimeout(timer);
              reject(error);
            },
          );
        });
      };
    };
  },
};
