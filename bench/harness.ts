/**
 * The contract between `bench/run.ts` and the case files in `bench/cases/`. A case measures one
 * thing and returns rows for `bench/RESULTS.md` / `bench/results.json`; peers measured in the
 * same run go into the same row.
 */

/** One row of the results table. */
export interface BenchRow {
  /** The case, e.g. `dispatch: !ping`. */
  readonly case: string;
  /** What the number is, e.g. `median µs/message`, `p99 ms`, `upstream calls`. */
  readonly metric: string;
  /** The figure for stats. */
  readonly stats: number;
  /** Hubot's figure on the same work in the same run, when measured. */
  readonly hubot?: number;
  /** The Chat SDK's figure on the same work in the same run, when measured. */
  readonly chatSdk?: number;
  /** `lower` when a smaller figure is better (latency), `higher` for throughput. */
  readonly better: 'lower' | 'higher';
  /** The goal from the issue, e.g. `≤ 1 µs`. */
  readonly goal?: string;
  /** How it was measured, in one sentence. */
  readonly how: string;
  /** The unit's scale when figures are small (e.g. 2 decimals for µs); defaults to 3 significant digits. */
  readonly digits?: number;
}

/** What the runner hands a case (optional: cases written against `run()` keep working). */
export interface BenchContext {
  /** Prints one progress line (the runner prefixes the case name). */
  progress(line: string): void;
  /** `true` for `--quick`: fewer messages and rounds, for checking the bench itself, not for publishing. */
  readonly quick: boolean;
  /** Notes for RESULTS.md under the table (why stats wins or loses, what was not measured). */
  note(text: string): void;
}

/** A group of measurements. */
export interface BenchCase {
  readonly name: string;
  /** One or two sentences for RESULTS.md: what the case measures and how. */
  readonly description?: string;
  /** Runs the measurements; must stop by itself and clean up every server it started. */
  run(context?: BenchContext): Promise<BenchRow[]>;
}

/** Median, p99 and mean of samples. */
export function summarize(samples: readonly number[]): { median: number; p99: number; mean: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { median: at(0.5), p99: at(0.99), mean, n: sorted.length };
}
