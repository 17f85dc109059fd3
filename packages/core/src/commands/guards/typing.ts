import type { ChatAdapter, RoomRef } from '../../chat/index.js';
import type { CommandResult } from '../define-command.js';
import type { Guard } from '../middleware.js';
import { isThenable } from './util.js';

/** Typing is renewed at this share of the platform's typing timeout, before it lapses. */
const RENEW_AT = 0.8;

const ignore = (): undefined => undefined;

/**
 * Shows that the bot is typing while a command works: only when the rest of the chain went
 * asynchronous (a synchronous answer costs no timer), after `typingDelayMs`, renewed at 80 % of
 * the adapter's `typingTimeoutMs` while the command runs past it, and stopped at the end.
 */
export const typing: Guard = {
  name: 'typing',
  setup(bot) {
    const delay = bot.typingDelayMs;
    return () => (ctx, next) => {
      const result = next();
      if (!isThenable(result) || ctx.adapter.typing === undefined) return result;
      return showTypingWhile(ctx.adapter, ctx.message.room, result, delay);
    };
  },
};

function showTypingWhile(adapter: ChatAdapter, room: RoomRef, work: PromiseLike<CommandResult>, delayMs: number): Promise<CommandResult> {
  const timeout = adapter.typingTimeoutMs;
  const renewMs = timeout === undefined || timeout <= 0 ? undefined : Math.max(1, Math.floor(timeout * RENEW_AT));
  let shown = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (): void => {
    shown = true;
    adapter.typing?.(room, true).catch(ignore);
    timer = renewMs === undefined ? undefined : setTimeout(show, renewMs);
  };
  timer = setTimeout(show, delayMs);
  const stop = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (shown) adapter.typing?.(room, false).catch(ignore);
  };
  return Promise.resolve(work).then(
    (value) => {
      stop();
      return value;
    },
    (error: unknown) => {
      stop();
      throw error;
    },
  );
}
