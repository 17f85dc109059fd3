import type { Subject } from '../lib/sequential.js';
import { rollReply } from './workload.js';

/** What the dispatch case needs from `createTestBot` (`@stats/core/testing`). */
interface TestBotLike {
  readonly adapter: { deliver(text: string, options?: { readonly direct?: boolean }): Promise<void> };
  stop(): Promise<void>;
}

/** The options the bench passes to `createTestBot`. */
interface TestBotOptionsLike {
  readonly commands: unknown[];
  /** Record nothing (the peers' adapters keep nothing either); hand each answer to `onSend`. */
  readonly adapter: { readonly record: false; readonly onSend: (record: { readonly plain: string }) => void };
}

/** A stats bot on the in-memory test adapter, or why there is none yet. */
export type StatsBench = { readonly ok: true; subject(label: string, text: string): Subject; stop(): Promise<void> } | { readonly ok: false; readonly reason: string };

/**
 * Builds a stats test bot with `ping` and `roll` (three typed arguments), plus `extra` fillers,
 * through the public faces `@stats/core` (`defineCommand`, `arg`) and `@stats/core/testing`
 * (`createTestBot`). Loaded at run time so the bench reports, instead of failing to compile,
 * while the engine has not landed.
 */
export async function startStats(extra = 0): Promise<StatsBench> {
  let core: Record<string, unknown>;
  let testing: Record<string, unknown>;
  try {
    core = (await import('@stats/core')) as Record<string, unknown>;
    testing = (await import('@stats/core/testing' as string)) as Record<string, unknown>;
  } catch (error) {
    return { ok: false, reason: `@stats/core/testing did not load: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
  const { defineCommand, arg } = core as { defineCommand?: (spec: unknown) => unknown; arg?: Record<string, (d: string, o?: unknown) => unknown> };
  const createTestBot = testing['createTestBot'] as ((options: TestBotOptionsLike) => Promise<TestBotLike>) | undefined;
  if (typeof defineCommand !== 'function' || arg === undefined || typeof createTestBot !== 'function') {
    return { ok: false, reason: 'createTestBot (@stats/core/testing) or defineCommand/arg (@stats/core) is not exported yet' };
  }
  const integer = arg['integer'] as (d: string) => unknown;
  const string = arg['string'] as (d: string) => unknown;
  const commands = [
    defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' }),
    defineCommand({
      name: 'roll',
      summary: 'Rolls dice',
      args: { count: integer('how many dice'), sides: integer('sides per die'), label: string('what for') },
      run: ({ args }: { args: { count: number; sides: number; label: string } }) => rollReply(args.count, args.sides, args.label),
    }),
  ];
  for (let i = 0; i < extra; i += 1) commands.push(defineCommand({ name: `filler${i}`, summary: `Filler command ${i}`, run: () => `filler ${i}` }));
  let last = '';
  const bot = await createTestBot({ commands, adapter: { record: false, onSend: (record) => (last = record.plain) } });
  // A shared room, as for the peers (Hubot's room, the Chat SDK's channel thread).
  const inRoom = { direct: false } as const;
  return {
    ok: true,
    subject: (label, text) => ({
      label,
      send: async () => {
        await bot.adapter.deliver(text, inRoom);
        return last;
      },
    }),
    stop: () => bot.stop(),
  };
}
