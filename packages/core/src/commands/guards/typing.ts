import type { ChatAdapter, RoomRef } from '../../chat/index.js';

/** Typing is renewed at this share of the platform's typing timeout, before it lapses. */
const RENEW_AT = 0.8;

const ignore = (): undefined => undefined;

/**
 * Shows that the bot is typing in `room` after `delayMs`, renewed at 80 % of the adapter's
 * `typingTimeoutMs` (when it declares one) for as long as the work runs; returns the function
 * that stops it (and clears the typing if it was shown). Used by the `work` stage.
 */
export function typingWhileWorking(adapter: ChatAdapter, room: RoomRef, delayMs: number): () => void {
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
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    if (shown) adapter.typing?.(room, false).catch(ignore);
  };
}
