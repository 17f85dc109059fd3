import type { Registry } from 'prom-client';

/** A value `/metrics` shows, in prom-client's `get()` format. */
interface MetricValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/** One labelled series of a {@link FastCounter}; incrementing it is a plain addition. */
export interface CounterSeries {
  value: number;
  inc(by?: number): void;
}

/** One labelled series of a {@link FastHistogram}. */
export interface HistogramSeries {
  observe(value: number): void;
}

function keyOf(values: readonly string[]): string {
  return values.length === 1 ? (values[0] as string) : values.join('\u0000');
}

function labelsOf<L extends string>(names: readonly L[], values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  names.forEach((name, i) => (labels[name] = values[i] as string));
  return labels;
}

/**
 * A counter for hot paths: `series(...labelValues)` is looked up once and kept, and each
 * increment is then one addition (prom-client's own counters hash their labels on every call,
 * which costs more than the whole dispatch of a command). Registered on a prom-client registry,
 * it appears on `/metrics` like any counter.
 */
export class FastCounter<L extends string> {
  readonly type = 'counter';
  readonly #series = new Map<string, { labels: Record<string, string>; series: CounterSeries }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series for these label values (in `labelNames` order); keep it for repeated use. */
  series(...values: string[]): CounterSeries {
    const key = keyOf(values);
    let entry = this.#series.get(key);
    if (entry === undefined) {
      const series: CounterSeries = { value: 0, inc(by = 1) { this.value += by; } };
      entry = { labels: labelsOf(this.labelNames, values), series };
      this.#series.set(key, entry);
    }
    return entry.series;
  }

  /** Increments by label object (convenience; slower than a kept series). */
  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    this.series(...this.labelNames.map((n) => labels[n])).inc(by);
  }

  /** The current value of one series (0 when never incremented). */
  value(labels: Readonly<Record<L, string>>): number {
    return this.#series.get(keyOf(this.labelNames.map((n) => labels[n])))?.series.value ?? 0;
  }

  /** prom-client's collection hook. */
  get(): { name: string; help: string; type: string; values: MetricValue[]; aggregator: string } {
    const values = [...this.#series.values()].map(({ labels, series }) => ({ labels, value: series.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

/** A histogram for hot paths; see {@link FastCounter}. */
export class FastHistogram<L extends string> {
  readonly type = 'histogram';
  readonly #series = new Map<string, { labels: Record<string, string>; counts: Float64Array; sum: number; count: number; series: HistogramSeries }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    readonly buckets: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series for these label values; keep it for repeated use. */
  series(...values: string[]): HistogramSeries {
    const key = keyOf(values);
    let entry = this.#series.get(key);
    if (entry === undefined) {
      const buckets = this.buckets;
      const counts = new Float64Array(buckets.length);
      const state = { labels: labelsOf(this.labelNames, values), counts, sum: 0, count: 0, series: undefined as unknown as HistogramSeries };
      state.series = {
        observe(value: number): void {
          state.sum += value;
          state.count += 1;
          for (let i = 0; i < buckets.length; i++) {
            if (value <= (buckets[i] as number)) {
              counts[i] = (counts[i] as number) + 1;
              return;
            }
          }
        },
      };
      entry = state;
      this.#series.set(key, entry);
    }
    return entry.series;
  }

  /** prom-client's collection hook: cumulative buckets, `+Inf`, sum and count. */
  get(): { name: string; help: string; type: string; values: MetricValue[]; aggregator: string } {
    const values: MetricValue[] = [];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += counts[i] as number;
        values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}
