import { arg, defineCommand, type Command } from '@stats/core';
import { createTestBot } from '@stats/core/testing';
import type { Subject } from '../lib/sequential.js';
import { rollReply } from './workload.js';

/** A started stats test bot with `ping` and `roll`. */
export interface StatsBench {
  /** A subject that delivers `text` to the in-memory adapter in a shared room. */
  subject(label: string, text: string): Subject;
  stop(): Promise<void>;
}

/** `ping`, `roll` (three typed arguments) and `extra` filler commands, as a bot author writes them. */
export function statsCommands(extra = 0): Command[] {
  const commands = [
    defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' }),
    defineCommand({
      name: 'roll',
      summary: 'Rolls dice',
      args: { count: arg.integer('how many dice'), sides: arg.integer('sides per die'), label: arg.string('what for') },
      run: ({ args }) => rollReply(args.count, args.sides, args.label),
    }),
  ];
  for (let i = 0; i < extra; i += 1)
    commands.push(defineCommand({ name: `filler${i}`, summary: `Filler command ${i}`, run: () => `filler ${i}` }));
  return commands;
}

/**
 * Starts a stats bot through `createTestBot` (`@stats/core/testing`): the real dispatcher,
 * guards, metrics and plain-text renderer behind the in-memory adapter. The adapter records
 * nothing (as the peers' bench adapters keep nothing) and hands each answer to `onSend`.
 */
export async function startStats(extra = 0): Promise<StatsBench> {
  let last = '';
  const bot = await createTestBot({
    commands: statsCommands(extra),
    adapter: { record: false, onSend: (record) => (last = record.plain) },
  });
  return inSharedRoom(bot, () => last);
}

/**
 * The bench face of a started test bot (of this build or another: `peers/stats-build.ts`): each
 * subject delivers its text in a shared room, as for the peers (Hubot's room, the Chat SDK's
 * channel thread), and answers with what `lastAnswer` then reads.
 */
export function inSharedRoom(
  bot: {
    readonly adapter: { deliver(text: string, options: { direct: boolean }): Promise<unknown> };
    stop(): Promise<void>;
  },
  lastAnswer: () => string,
): StatsBench {
  const inRoom = { direct: false } as const;
  return {
    subject: (label, text) => ({
      label,
      send: async () => {
        await bot.adapter.deliver(text, inRoom);
        return lastAnswer();
      },
    }),
    stop: () => bot.stop(),
  };
}
