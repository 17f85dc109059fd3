import type { ReplyOptions } from '../../chat/index.js';
import { isDocument, textDocument, type Document } from '../../document/index.js';
import { StatsError } from '../../errors/index.js';
import type { CommandResult } from '../define-command.js';
import type { Guard, GuardSetup, MiddlewareContext } from '../middleware.js';
import { isThenable, Silent } from './util.js';

const PUBLIC: ReplyOptions = Object.freeze({});
const PRIVATE: ReplyOptions = Object.freeze({ ephemeral: true });
/** node:crypto, loaded with the first error id (not with the library). */
const crypto = (): typeof import('node:crypto') => process.getBuiltinModule('node:crypto');
/** Codes that deserve an error id in the answer (something broke, not the user's input). */
const WITH_ERROR_ID = new Set(['internal', 'upstream', 'unreachable', 'timeout', 'auth']);

function toDocument(result: unknown): Document | undefined {
  if (result === undefined || result === null) return undefined;
  if (typeof result === 'string') return result === '' ? undefined : textDocument(result);
  if (isDocument(result)) return result.blocks.length === 0 ? undefined : result;
  throw new StatsError('internal', `command returned ${typeof result}, not a Document or string`);
}

/** The document with one more paragraph (`note`), or unchanged without one. */
function withNote(doc: Document, note: string | undefined): Document {
  return note === undefined ? doc : { ...doc, blocks: [...doc.blocks, { type: 'text', content: note }] };
}

/**
 * The outermost step: sends the command's answer, or — for anything thrown further in — the
 * failure's answer (the user message of a `StatsError`, else an apology with an error id that
 * is in the log), with the note a guard left (`ctx.note`). Sets `ctx.outcome` for the metrics.
 * One stage for both answers, so the common path is one function with no extra promise.
 */
export const answer: Guard = {
  name: 'answer',
  setup(bot) {
    const fail = failureAnswer(bot);
    return (command) => {
      const options = command.private ? PRIVATE : PUBLIC;
      const send = (ctx: MiddlewareContext, result: CommandResult): Promise<undefined> | undefined => {
        let doc: Document | undefined;
        try {
          doc = toDocument(result);
        } catch (error) {
          return fail(ctx, error, options);
        }
        if (ctx.note !== undefined) return sendWithNote(ctx, doc, options, fail);
        if (doc === undefined) return undefined;
        // The send's own promise goes back as is (no extra promise or tick on the common path);
        // if it rejects, the dispatcher hands the error to `ctx.recover`.
        ctx.recover = recover;
        return ctx.adapter.reply(ctx.message, doc, options) as Promise<unknown> as Promise<undefined>;
      };
      const recover = (ctx: MiddlewareContext, error: unknown): Promise<undefined> => fail(ctx, error, options);
      return (ctx, next) => {
        let result: ReturnType<typeof next>;
        let doc: Document | undefined;
        try {
          result = next();
          if (isThenable(result))
            return result.then(
              (value) => send(ctx, value),
              (error: unknown) => fail(ctx, error, options),
            );
          doc = toDocument(result);
        } catch (error) {
          return fail(ctx, error, options);
        }
        if (ctx.note !== undefined) return sendWithNote(ctx, doc, options, fail);
        if (doc === undefined) return undefined;
        ctx.recover = recover;
        return ctx.adapter.reply(ctx.message, doc, options) as Promise<unknown> as Promise<undefined>;
      };
    };
  },
};

type Fail = (ctx: MiddlewareContext, error: unknown, options: ReplyOptions) => Promise<undefined>;

async function sendWithNote(
  ctx: MiddlewareContext,
  doc: Document | undefined,
  options: ReplyOptions,
  fail: Fail,
): Promise<undefined> {
  const note = await ctx.note;
  try {
    if (doc !== undefined) await ctx.adapter.reply(ctx.message, withNote(doc, note), options);
  } catch (error) {
    return fail(ctx, error, options);
  }
  return undefined;
}

/** Answers a failure, logs it (with an error id where it is not the user's fault), counts it. */
function failureAnswer(bot: GuardSetup): Fail {
  return async (ctx, error, options) => {
    if (error instanceof Silent) {
      ctx.outcome = 'rate_limited';
      return undefined;
    }
    const { command, message, adapter } = ctx;
    const logger = bot.logger;
    const stats = error instanceof StatsError ? error : undefined;
    const code = stats?.code ?? 'internal';
    ctx.outcome = code === 'internal' ? 'error' : code;
    bot.metrics.commandErrors.inc({ code });
    let text = stats?.userMessage ?? 'Something went wrong.';
    const where = { command: command.name, platform: message.platform, room: message.room.id, code };
    if (stats === undefined || WITH_ERROR_ID.has(code)) {
      const errorId = crypto().randomBytes(4).toString('hex');
      logger.error({ ...where, err: error, errorId }, 'command failed');
      text = `${text} (error id ${errorId})`;
      bot.onError?.(error, { command: command.name, errorId, message });
    } else {
      logger.debug({ ...where }, 'command refused');
    }
    const note = ctx.note === undefined ? undefined : await ctx.note;
    try {
      await adapter.reply(message, withNote(textDocument(text, 'error'), note), options);
    } catch (replyError) {
      // An adapter that gives up a send because the platform rate-limits it counts and logs that
      // itself (once, at stop); one error line per command would flood the log.
      if (replyError instanceof StatsError && replyError.code === 'rate_limited')
        logger.debug({ ...where, err: replyError }, 'error answer given up (rate-limited)');
      else logger.error({ ...where, err: replyError }, 'could not send the error answer');
    }
    return undefined;
  };
}
