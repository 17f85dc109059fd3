import type { Guard } from '../middleware.js';
import { compileArgs } from '../parse-args.js';

/**
 * Validates the arguments into `ctx.args`, with the command's argument specs compiled once into
 * its validator when its chain is composed. A problem is answered with the usage line.
 */
export const argumentsGuard: Guard = {
  name: 'arguments',
  setup(bot) {
    return (command) => {
      const compiled = compileArgs(command, bot.settings.prefix);
      return (ctx, next) => {
        const structured = ctx.message.command;
        ctx.args = structured === undefined ? compiled.text(ctx.argText) : compiled.structured(structured);
        return next();
      };
    };
  },
};
