import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Subject } from '../lib/sequential.js';
import { inSharedRoom } from './stats.js';
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
  /** A subject that delivers `text` in a shared room, as `peers/stats.ts` does. */
  subject(label: string, text: string): Subject;
  stop(): Promise<void>;
}

/**
 * Starts `ping` and `roll` (as `peers/stats.ts` declares them) on `createTestBot` of the build in
 * `dist` (a `dist/` folder of `@stats/core`, e.g. a copy of an earlier build: BENCH_BASELINE), so
 * two builds can be timed in one process, interleaved.
 */
export async function startStatsBuild(dist: string): Promise<StatsBuildBench> {
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
  return inSharedRoom(bot, () => last);
}
