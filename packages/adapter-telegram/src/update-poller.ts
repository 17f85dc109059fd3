import { BotError, GrammyError, type Api } from 'grammy';
import type { Update } from 'grammy/types';
import { createChatQueue } from './chat-queue.js';

/** The logger the poller writes to (pino's shape). */
interface PollerLogger {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** Options of {@link startUpdatePoller}. */
export interface UpdatePollerOptions {
  readonly api: Api;
  /** Runs grammY's middleware on one update (`bot.handleUpdate`). */
  readonly handle: (update: Update) => Promise<void>;
  readonly logger: PollerLogger;
  /** How long one getUpdates waits for news when nothing is in flight, seconds (default 30). */
  readonly pollSeconds?: number;
  /** The pause between polls while updates are in flight and nothing new came, ms (default 250). */
  readonly busyPollMs?: number;
  /** The pause after a failed poll, ms (default 3,000). */
  readonly errorPauseMs?: number;
  /**
   * False once the adapter stops receiving: an update queued behind a slow one of its chat is
   * then left unhandled and unconfirmed, for the next start (the bot would only drop it).
   */
  readonly accepting: () => boolean;
  /** Called when polling stops for good (401, 409): the adapter is no longer ready. */
  readonly onFatal: (error: unknown, why: string) => void;
}

/** A running poll loop. */
export interface UpdatePoller {
  /** Stops fetching (the running long poll is aborted); updates in flight go on. */
  stopFetching(): Promise<void>;
  /** Waits for every update in flight. */
  settled(): Promise<void>;
  /** Tells Telegram which updates are handled (one getUpdates with the confirmed offset). */
  confirm(): Promise<void>;
}

/** grammY's signal type (from its abort-controller shim); the platform's is the same at run time. */
type ApiSignal = Parameters<Api['getUpdates']>[1];

/** The chat an update belongs to: updates of one chat are handled in order. */
function chatOf(update: Update): string {
  const chat = update.message?.chat.id;
  return chat === undefined ? `update:${update.update_id}` : String(chat);
}

/** Resolves after `ms`, at `signal`'s abort, or when `wake` is called, whichever comes first. */
function pause(ms: number, signal: AbortSignal, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
    onWake?.(done);
  });
}

/**
 * Long polling that handles chats concurrently and each chat in order (like grammY's runner
 * with `sequentialize` by chat), but never confirms an update before it is handled: the offset
 * sent to Telegram stays at the oldest update still in flight, so a crash mid-command leaves
 * it pending and the next start gets it again (the handled-update journal drops what was
 * already answered). The price: while a command runs, getUpdates returns the updates in flight
 * again, so the poller polls every `busyPollMs` instead of holding one long poll; at most 100
 * updates (one getUpdates page) can be in flight at once. When the last update in flight is
 * done, the pause ends at once and the loop goes back to one long poll: a chat's next command
 * is not held for the rest of `busyPollMs`.
 */
export function startUpdatePoller(options: UpdatePollerOptions): UpdatePoller {
  const pollSeconds = options.pollSeconds ?? 30;
  const busyPollMs = options.busyPollMs ?? 250;
  const errorPauseMs = options.errorPauseMs ?? 3000;
  const fetching = new AbortController();
  const queue = createChatQueue();
  /** Update ids taken at or above the confirmed offset (in flight or finished). */
  const taken = new Set<number>();
  const inFlight = new Set<number>();
  /** Updates taken but left alone because the adapter stopped receiving: never confirmed. */
  const left = new Set<number>();
  let offset = 0;
  /** Ends the running busy pause early; set while the loop sleeps between busy polls. */
  let wake: (() => void) | undefined;

  /** The next offset: the oldest update in flight or left alone, else one past the newest taken. */
  const advance = (): void => {
    let next = offset;
    if (inFlight.size > 0 || left.size > 0) next = Math.min(...inFlight, ...left);
    else if (taken.size > 0) next = Math.max(...taken) + 1;
    offset = Math.max(offset, next);
    for (const id of taken) if (id < offset) taken.delete(id);
  };

  const run = async (update: Update): Promise<void> => {
    try {
      if (!options.accepting()) {
        left.add(update.update_id);
        return;
      }
      await options.handle(update);
    } catch (error) {
      const cause = error instanceof BotError ? error.error : error;
      options.logger.error(
        { err: cause instanceof Error ? cause.message : String(cause), updateId: update.update_id },
        'telegram update failed',
      );
    } finally {
      inFlight.delete(update.update_id);
      if (inFlight.size === 0) wake?.();
    }
  };

  const loop = async (): Promise<void> => {
    const signal = fetching.signal;
    while (!signal.aborted) {
      advance();
      let updates: Update[];
      try {
        updates = await options.api.getUpdates(
          { offset, limit: 100, timeout: inFlight.size > 0 ? 0 : pollSeconds, allowed_updates: ['message'] },
          signal as unknown as ApiSignal,
        );
      } catch (error) {
        if (signal.aborted) return;
        const code = error instanceof GrammyError ? error.error_code : undefined;
        if (code === 401 || code === 409) {
          options.onFatal(
            error,
            code === 401
              ? 'Telegram refused the bot token (401 Unauthorized): polling stopped. Check TELEGRAM_BOT_TOKEN.'
              : 'Another process is receiving updates for this bot token (409 Conflict): polling stopped. Run one instance, or use a webhook.',
          );
          return;
        }
        options.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'telegram getUpdates failed; polling again shortly',
        );
        await pause(errorPauseMs, signal);
        continue;
      }
      let fresh = 0;
      for (const update of updates) {
        if (update.update_id < offset || taken.has(update.update_id)) continue;
        fresh += 1;
        taken.add(update.update_id);
        inFlight.add(update.update_id);
        queue.push(chatOf(update), () => run(update));
      }
      if (fresh === 0 && inFlight.size > 0) {
        await pause(busyPollMs, signal, (done) => (wake = done));
        wake = undefined;
      }
    }
  };
  const looping = loop();

  return {
    async stopFetching() {
      fetching.abort();
      await looping;
    },
    settled: () => queue.idle(),
    async confirm() {
      advance();
      if (offset > 0) await options.api.getUpdates({ offset, limit: 1, timeout: 0 });
    },
  };
}
