import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Subject } from '../lib/sequential.js';
import { rollReply } from './workload.js';

interface CoreModule {
  readonly defineCommand: (spec: unknown) => unknown;
  readonly arg: { integer(description: string): unknown; string(description: string): unknown };
}
interface TestingModule {
  readonly createTestBot: (options: unknown) => Promise<{
    readonly adapter: { deliver(text: string, options: { direct: boolean }): Promise<unknown> };
    stop(): Promise<void>;
  }>;
}

/** A test bot started from one build of `@stats/core`. */
export interface StatsBuildBench {
  /** A subject that delivers `text` in a shared room, as Hubot's room and the Chat SDK's channel thread. */
  subject(label: string, text: string): Subject;
  stop(): Promise<void>;
}

/**
 * Starts `ping` and `roll` (as a bot author declares them, the same as `peers/stats.ts`) on
 * `createTestBot` of the build in `dist` (`packages/core/dist`, or a copy of an earlier build:
 * BENCH_BASELINE), so that builds can be timed in one process, interleaved.
 *
 * Each build gets its own instance of this module (imported again under a query naming the
 * build), so the bench's closures around it (`run`, `onSend`, `send`) are distinct functions
 * per build. Shared, they collect type feedback from every build's objects, turn polymorphic,
 * and the build loaded first ran up to 0.3 µs slower than alone (bench/README.md, dispatch).
 */
export async function startStatsBuild(dist: string): Promise<StatsBuildBench> {
  const own = (await import(`${import.meta.url.split('?')[0]}?build=${encodeURIComponent(dist)}`)) as {
    startCopy(dist: string): Promise<StatsBuildBench>;
  };
  return own.startCopy(dist);
}

/** `startStatsBuild` inside this module's instance for `dist`; call that instead. */
export async function startCopy(dist: string): Promise<StatsBuildBench> {
  const core = (await import(pathToFileURL(path.join(dist, 'index.js')).href)) as CoreModule;
  const testing = (await import(pathToFileURL(path.join(dist, 'testing', 'index.js')).href)) as TestingModule;
  const commands = [
    core.defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' }),
    core.defineCommand({
      name: 'roll',
      summary: 'Rolls dice',
      args: {
        count: core.arg.integer('how many dice'),
        sides: core.arg.integer('sides per die'),
        label: core.arg.string('what for'),
      },
      run: ({ args }: { args: { count: number; sides: number; label: string } }) =>
        rollReply(args.count, args.sides, args.label),
    }),
  ];
  let last = '';
  const bot = await testing.createTestBot({
    commands,
    adapter: { record: false, onSend: (record: { plain: string }) => (last = record.plain) },
  });
  const inRoom = { direct: false } as const;
  return {
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
