import type { BenchCase, BenchContext, BenchRow } from '../harness.js';
import { bytesPerMessage } from '../lib/allocation.js';
import { emptySubject, timeSequential, type SequentialResult, type Subject } from '../lib/sequential.js';
import { startChatSdk } from '../peers/chat-sdk.js';
import { startHubot } from '../peers/hubot.js';
import { baselineDist, freshCoreDist } from '../lib/core-build.js';
import { startStatsBuild, type StatsBuildBench } from '../peers/stats-build.js';
import { breakdownRows, measureStatsBreakdown, type StatsBreakdown } from '../peers/stats-breakdown.js';
import { ROLL_ARGS, ROLL_EXPECTED } from '../peers/workload.js';

const GOAL = '≤ 1 µs median';
/** With BENCH_BASELINE: the baseline build, from its dist, as one more subject. */
const BASELINE_LABEL = 'stats: baseline dist';

/** One workload: the same command typed the way each library expects it. */
interface Workload {
  readonly name: string;
  readonly expected: string;
  readonly stats: string;
  readonly hubotHear: string;
  readonly hubotCommand: string;
  readonly chatMessage: string;
  readonly chatSlash: readonly [command: string, text: string];
}

const { count, sides, label } = ROLL_ARGS;
const WORKLOADS: readonly Workload[] = [
  {
    name: '!ping → pong',
    expected: 'pong',
    stats: '!ping',
    hubotHear: '!ping',
    hubotCommand: 'Hubot ping',
    chatMessage: '!ping',
    chatSlash: ['/ping', ''],
  },
  {
    name: '!roll with 3 typed args',
    expected: ROLL_EXPECTED,
    stats: `!roll ${count} ${sides} ${label}`,
    hubotHear: `!roll ${count} ${sides} ${label}`,
    hubotCommand: `Hubot roll count:${count} sides:${sides} label:${label}`,
    chatMessage: `!roll ${count} ${sides} ${label}`,
    chatSlash: ['/roll', `${count} ${sides} ${label}`],
  },
];

/**
 * Dispatch: one command delivered 100,000 times per round, sequentially, through each library's
 * in-memory path, from the incoming message to the reply handed to the adapter.
 */
export const dispatch: BenchCase = {
  name: 'dispatch',
  description:
    "A trivial command (`!ping` → `pong`) and one with three typed arguments, delivered one after another through each library's in-memory path and timed message by message from delivery to the reply reaching the adapter: stats through `createTestBot` (`@stats/core/testing`) of the bundled build users install (packages/core/dist; `pnpm bench` builds it first), Hubot 14.1 through `robot.receive(new TextMessage(…))` on a minimal adapter (both `robot.hear` and `robot.commands`), the Chat SDK 4.41 through `chat.processMessage` (`onNewMessage`, memory state: dedup and thread lock) and `chat.processSlashCommand` (`onSlashCommand`). Subjects are interleaved round by round; every reply is checked.",
  async run(context?: BenchContext): Promise<BenchRow[]> {
    const quick = context?.quick ?? false;
    const options = {
      messages: quick ? 5_000 : 100_000,
      rounds: quick ? 2 : 5,
      warmup: quick ? 2_000 : 30_000,
      onRound: (subject: string, round: number, median: number) =>
        context?.progress(`${subject}: round ${round + 1} median ${median.toFixed(2)} µs`),
    };
    // What users run: the bundled build, one copy in the process. (With more copies of the
    // library in one process, shared call sites turn polymorphic and the figures depend on the
    // order the copies were loaded in: bench/README.md, dispatch.)
    const stats = await startStatsBuild(freshCoreDist());
    const hubot = await startHubot();
    const chat = await startChatSdk();
    const baselineDir = baselineDist();
    const baseline: StatsBuildBench | undefined =
      baselineDir === undefined ? undefined : await startStatsBuild(baselineDir);
    const rows: BenchRow[] = [];
    const measured: { results: readonly SequentialResult[]; allocated: ReadonlyMap<string, number> }[] = [];
    try {
      for (const workload of WORKLOADS) {
        context?.progress(
          `${workload.name}: ${options.rounds} rounds × ${options.messages} messages (+ ${options.warmup} warm-up) per subject`,
        );
        const subjects: Subject[] = [
          emptySubject(workload.expected),
          stats.subject('stats', workload.stats),
          hubot.subject('hubot: robot.commands', workload.hubotCommand),
          hubot.subject('hubot: robot.hear', workload.hubotHear),
          chat.slash('chat sdk: processSlashCommand', ...workload.chatSlash),
          chat.message('chat sdk: processMessage', workload.chatMessage),
          ...(baseline === undefined ? [] : [baseline.subject(BASELINE_LABEL, workload.stats)]),
        ];
        const results = await timeSequential(subjects, workload.expected, options);
        rows.push(...toRows(workload, results, options.messages, options.rounds));
        const before = results.find((r) => r.label === BASELINE_LABEL);
        if (before !== undefined)
          rows.push({
            case: `dispatch: ${workload.name} (baseline dist, before/after)`,
            metric: 'median µs/message',
            stats: before.median,
            better: 'lower',
            how: `the same path from the build in BENCH_BASELINE (${process.env['BENCH_BASELINE'] ?? ''}), interleaved with the subjects above in the same rounds: compare it with the stats row, the current build`,
            digits: 2,
          });
        const allocated = new Map<string, number>();
        for (const subject of subjects) allocated.set(subject.label, await bytesPerMessage(subject));
        context?.progress(
          `${workload.name}: heap bytes per message: ${[...allocated].map(([l, b]) => `${l} ${b.toFixed(0)}`).join(', ')}`,
        );
        rows.push(...allocationRows(workload, allocated));
        measured.push({ results, allocated });
      }
      context?.progress('stats parts: rendering and argument validation alone');
      const breakdown = measureStatsBreakdown(quick);
      rows.push(...breakdownRows(breakdown));
      const [ping, roll] = measured;
      if (ping !== undefined && roll !== undefined) context?.note(explain(ping, roll, breakdown));
    } finally {
      hubot.stop();
      await chat.stop();
      await stats.stop();
      await baseline?.stop();
    }
    return rows;
  },
};

/** `1.9–7.2×` as much as stats: the range of the peers' allocation per message over stats'. */
function peerAllocation(allocated: ReadonlyMap<string, number>): string {
  const stats = allocated.get('stats') ?? Number.NaN;
  const ratios = [...allocated]
    .filter(([label]) => !label.startsWith('stats') && label !== 'empty loop')
    .map(([, bytes]) => bytes / stats);
  return `${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}× as much`;
}

/** Where stats' time per message goes, from this run's figures, for RESULTS.md. */
function explain(
  ping: { results: readonly SequentialResult[]; allocated: ReadonlyMap<string, number> },
  roll: { results: readonly SequentialResult[]; allocated: ReadonlyMap<string, number> },
  parts: StatsBreakdown,
): string {
  const of = (m: typeof ping, label: string): SequentialResult | undefined => m.results.find((r) => r.label === label);
  const stats = of(ping, 'stats');
  const loop = of(ping, 'empty loop');
  const statsRoll = of(roll, 'stats');
  if (stats === undefined || loop === undefined || statsRoll === undefined) return 'dispatch: stats was not measured.';
  const f = (n: number): string => n.toFixed(2);
  const rest = Math.max(0, stats.median - loop.median - parts.renderPing);
  const verdict = stats.median <= 1 ? 'meets its ≤ 1 µs goal' : 'misses its ≤ 1 µs goal';
  return (
    `dispatch: stats ${verdict}: \`!ping\` takes ${f(stats.median)} µs (median), of which ${f(loop.median)} µs is the bench loop, ` +
    `${f(parts.renderPing)} µs plain-text rendering, and about ${f(rest)} µs the path itself (router, guards, context, metrics, the in-memory adapter building the message). ` +
    `Three typed arguments add ${f(statsRoll.median - stats.median)} µs, of which about ${f(parts.validateRoll)} µs is validating them. ` +
    `Beyond the median, its garbage (${Math.round(ping.allocated.get('stats') ?? Number.NaN)} B per message; the peers' paths allocate ${peerAllocation(ping.allocated)}) costs ${f(stats.gcPerMessage)} µs of scavenging per message on average ` +
    `(wall time, inflated when the machine is busy), which shows in the p99 and the mean (${f(stats.mean)} µs). ` +
    `Profile with \`node --cpu-prof\` and \`bench/tools/cpu-profile-top.ts\` (bench/README.md) to see the rest by function.`
  );
}

function allocationRows(workload: Workload, allocated: ReadonlyMap<string, number>): BenchRow[] {
  const stats = allocated.get('stats') ?? Number.NaN;
  const how =
    'heap growth over batches of 500 messages, each right after a scavenge (median of 15 batches): the garbage the collector gets per message';
  const row = (path: string, hubot: string, chat: string): BenchRow => ({
    case: `dispatch: ${workload.name} (${path})`,
    metric: 'heap bytes allocated/message',
    stats,
    ...(allocated.has(hubot) ? { hubot: allocated.get(hubot) as number } : {}),
    ...(allocated.has(chat) ? { chatSdk: allocated.get(chat) as number } : {}),
    better: 'lower',
    how: `${how}; the empty loop allocates ${allocated.get('empty loop')?.toFixed(0) ?? '?'} B of it`,
    digits: 0,
  });
  return [
    row('commands', 'hubot: robot.commands', 'chat sdk: processSlashCommand'),
    row('listeners', 'hubot: robot.hear', 'chat sdk: processMessage'),
  ];
}

function toRows(
  workload: Workload,
  results: readonly SequentialResult[],
  messages: number,
  rounds: number,
): BenchRow[] {
  const by = (label: string): SequentialResult | undefined => results.find((r) => r.label === label);
  const empty = by('empty loop');
  const stats = by('stats');
  const hubotCommand = by('hubot: robot.commands');
  const hubotHear = by('hubot: robot.hear');
  const chatSlash = by('chat sdk: processSlashCommand');
  const chatMessage = by('chat sdk: processMessage');
  const volume = `${rounds} rounds × ${messages.toLocaleString('en')} messages, sequential, after warm-up`;
  const metricName = {
    median: 'median µs/message',
    p99: 'p99 µs/message',
    gcPerMessage: 'scavenge µs/message (mean)',
  } as const;
  const row = (
    path: string,
    metric: 'median' | 'p99' | 'gcPerMessage',
    hubot: SequentialResult | undefined,
    chat: SequentialResult | undefined,
    how: string,
  ): BenchRow => ({
    case: `dispatch: ${workload.name} (${path})`,
    metric: metricName[metric],
    stats: stats?.[metric] ?? Number.NaN,
    ...(hubot !== undefined ? { hubot: hubot[metric] } : {}),
    ...(chat !== undefined ? { chatSdk: chat[metric] } : {}),
    better: 'lower',
    ...(metric === 'median' ? { goal: GOAL } : {}),
    how:
      metric === 'gcPerMessage'
        ? "the durations of the minor `gc` performance entries (scavenges, which the subject's own allocations trigger) that started during its timed rounds, divided by its messages; full GCs are left out, as they fall on whoever runs when the old generation fills"
        : `${how}; ${volume}; includes the loop's own ${empty?.median.toFixed(2) ?? '?'} µs`,
    digits: 2,
  });
  return [
    row(
      'commands',
      'median',
      hubotCommand,
      chatSlash,
      'stats `createTestBot` → `adapter.deliver` from packages/core/dist (in-memory adapter, plain-text rendering); Hubot `robot.commands` (`Hubot …`); Chat SDK `processSlashCommand`',
    ),
    row('commands', 'p99', hubotCommand, chatSlash, 'as above'),
    row(
      'listeners',
      'median',
      hubotHear,
      chatMessage,
      'stats `createTestBot` → `adapter.deliver` from packages/core/dist (in-memory adapter, plain-text rendering); Hubot `robot.hear` regex; Chat SDK `processMessage` + `onNewMessage` regex',
    ),
    row('listeners', 'p99', hubotHear, chatMessage, 'as above'),
    row('commands', 'gcPerMessage', hubotCommand, chatSlash, ''),
    row('listeners', 'gcPerMessage', hubotHear, chatMessage, ''),
    {
      case: `dispatch: ${workload.name} (empty loop)`,
      metric: 'median µs/message',
      stats: empty?.median ?? Number.NaN,
      better: 'lower',
      how: 'the same timed loop around an async function that returns the expected reply at once: the overhead inside every figure above',
      digits: 2,
    },
  ];
}
