import { PerformanceObserver, constants, performance, type PerformanceEntry } from 'node:perf_hooks';
import { summarize } from '../harness.js';

/** One way of delivering a message to a bot and awaiting its reply. */
export interface Subject {
  /** A short label, e.g. `hubot: command bus`. */
  readonly label: string;
  /** Delivers the subject's message (the `index`-th time) and resolves with the reply's text once the bot has replied. */
  send(index: number): Promise<string>;
}

/** How many messages, rounds and warm-up messages to time. */
export interface SequentialOptions {
  readonly messages: number;
  readonly rounds: number;
  readonly warmup: number;
  /** Called after each round of each subject, for progress output. */
  readonly onRound?: (label: string, round: number, median: number) => void;
}

/** The timing of one subject, in microseconds per message. */
export interface SequentialResult {
  readonly label: string;
  /** Median over every timed message of every round. */
  readonly median: number;
  /** 99th percentile over every timed message of every round. */
  readonly p99: number;
  readonly mean: number;
  /** The median of each round, to show the spread between rounds. */
  readonly roundMedians: readonly number[];
  /**
   * Scavenges (young-generation GCs, which the subject's own allocations trigger) during its
   * rounds, spread over its messages (µs, mean). Full GCs are left out: they fall on whichever
   * subject runs when the old generation fills, which a peer's retained state may have filled.
   */
  readonly gcPerMessage: number;
  readonly n: number;
}

/**
 * Times subjects message by message, sequentially (each message waits for the previous reply),
 * interleaving the subjects round by round so drift in the machine (turbo, noisy neighbours)
 * hits every subject alike. Checks every reply against `expected` and throws on a mismatch, so a
 * subject cannot look fast by doing nothing.
 */
export async function timeSequential(
  subjects: readonly Subject[],
  expected: string,
  options: SequentialOptions,
): Promise<SequentialResult[]> {
  const samples = new Map<string, Float64Array>();
  const roundMedians = new Map<string, number[]>();
  const windows = new Map<string, [number, number][]>();
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => void pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  for (const subject of subjects) {
    await drive(subject, expected, options.warmup, undefined);
    samples.set(subject.label, new Float64Array(options.messages * options.rounds));
    roundMedians.set(subject.label, []);
  }
  for (let round = 0; round < options.rounds; round += 1) {
    for (const subject of subjects) {
      const all = samples.get(subject.label) as Float64Array;
      const slice = all.subarray(round * options.messages, (round + 1) * options.messages);
      const from = performance.now();
      await drive(subject, expected, options.messages, slice);
      windows.set(subject.label, [...(windows.get(subject.label) ?? []), [from, performance.now()]]);
      const median = summarize(Array.from(slice)).median;
      roundMedians.get(subject.label)?.push(median);
      options.onRound?.(subject.label, round, median);
    }
  }
  await new Promise((resolve) => setImmediate(resolve)); // let the observer deliver the last entries
  pauses.push(...observer.takeRecords());
  observer.disconnect();
  return subjects.map((subject) => {
    const all = samples.get(subject.label) as Float64Array;
    const stats = summarize(Array.from(all));
    const own = windows.get(subject.label) ?? [];
    const gcMs = pauses
      .filter(
        (p) =>
          ((p as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1) ===
          constants.NODE_PERFORMANCE_GC_MINOR,
      )
      .filter((p) => own.some(([from, to]) => p.startTime >= from && p.startTime < to))
      .reduce((sum, p) => sum + p.duration, 0);
    return {
      label: subject.label,
      median: stats.median,
      p99: stats.p99,
      mean: stats.mean,
      n: stats.n,
      roundMedians: roundMedians.get(subject.label) ?? [],
      gcPerMessage: (gcMs * 1000) / Math.max(1, stats.n),
    };
  });
}

async function drive(subject: Subject, expected: string, count: number, into: Float64Array | undefined): Promise<void> {
  let wrong: string | undefined;
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    const reply = await subject.send(i);
    const elapsed = performance.now() - start;
    if (into !== undefined) into[i] = elapsed * 1000;
    if (reply !== expected) wrong = reply;
  }
  if (wrong !== undefined) {
    throw new Error(
      `${subject.label} answered ${JSON.stringify(wrong.slice(0, 200))}, expected ${JSON.stringify(expected)}`,
    );
  }
}

/** The loop's own cost: a subject that answers at once from an already resolved promise. */
export function emptySubject(expected: string): Subject {
  return { label: 'empty loop', send: async () => expected };
}
