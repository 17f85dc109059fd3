import type { AdapterContext } from '@stats/core';
import type { Context } from 'grammy';
import { toIncomingMessage } from './incoming.js';
import type { UpdateJournal } from './update-journal.js';

/** What {@link createUpdateIntake} needs. */
export interface UpdateIntakeOptions {
  readonly journal: UpdateJournal;
  readonly context: AdapterContext;
  readonly now: () => number;
  readonly catchUpWindowMs: number;
}

/**
 * The grammY handler of `message` updates: each update id is handled once (the journal),
 * messages older than the catch-up window are dropped (and recorded as handled), and the rest
 * goes to the bot as an `IncomingMessage`. The very first start is no exception: Telegram's
 * pending updates are unconfirmed, so no earlier instance answered them. An update is recorded
 * as handled only once its handling ended. Every drop is counted in
 * `stats_messages_dropped_total{platform="telegram",reason}`.
 */
export function createUpdateIntake(options: UpdateIntakeOptions): (ctx: Context) => Promise<void> {
  const { journal, context, now, catchUpWindowMs } = options;
  const drop = (reason: string): void => context.metrics.messagesDropped.inc({ platform: 'telegram', reason });
  return async (ctx) => {
    const message = ctx.message;
    const updateId = ctx.update.update_id;
    if (message === undefined) return;
    if (journal.seen(updateId)) return drop('duplicate');
    if (now() - message.date * 1000 > catchUpWindowMs) {
      await journal.done(updateId);
      return drop('too_old');
    }
    const incoming = toIncomingMessage(message, {
      botUsername: ctx.me.username,
      prefix: context.prefix,
      commands: context.commands,
    });
    try {
      if (incoming !== undefined) await context.onMessage(incoming);
    } finally {
      await journal.done(updateId);
    }
  };
}
