import type { AdapterContext } from '@stats/core';
import { createIntakeGate } from '@stats/core/adapter';
import type { Context } from 'grammy';
import { toIncomingMessage } from './incoming.js';
import type { UpdateJournal } from './update-journal.js';

/** What {@link createUpdateIntake} needs. */
export interface UpdateIntakeOptions {
  readonly journal: UpdateJournal;
  readonly context: AdapterContext;
  readonly now: () => number;
  /** The catch-up window (default the core's). */
  readonly catchUpWindowMs: number | undefined;
}

/**
 * The grammY handler of `message` updates, behind the core's intake gate: an update handled
 * before (the journal) or being handled (a webhook delivery repeated while the first still
 * runs) is dropped, so is a message older than the catch-up window (and recorded as handled);
 * the rest goes to the bot as an `IncomingMessage`. The very first start is no exception:
 * Telegram's pending updates are unconfirmed, so no earlier instance answered them. An update is
 * recorded as handled only once its handling ended. The gate counts every drop in
 * `stats_messages_dropped_total{platform="telegram",reason}`.
 */
export function createUpdateIntake(options: UpdateIntakeOptions): (ctx: Context) => Promise<void> {
  const { context } = options;
  const gate = createIntakeGate({
    platform: 'telegram',
    log: options.journal,
    catchUpWindowMs: options.catchUpWindowMs,
    now: options.now,
    metrics: context.metrics,
  });
  return async (ctx) => {
    const message = ctx.message;
    if (message === undefined) return;
    const id = String(ctx.update.update_id);
    const sentAt = message.date * 1000;
    if ((await gate.admit(id, sentAt)) !== 'handle') return;
    try {
      const incoming = toIncomingMessage(message, {
        botUsername: ctx.me.username,
        prefix: context.prefix,
        commands: context.commands,
      });
      if (incoming !== undefined) await context.onMessage(incoming);
    } finally {
      await gate.finish(id, sentAt);
    }
  };
}
