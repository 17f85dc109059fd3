import type { Registry } from 'prom-client';

/** One value of a metric as `/metrics` shows it, in prom-client's `get()` format. */
export interface MetricValue<L extends string = string> {
  readonly labels: Readonly<Partial<Record<L | 'le', string | number>>>;
  readonly value: number;
  readonly metricName?: string;
}

/** What a metric's `get()` returns: prom-client's collection format, which its registry reads. */
export interface MetricSnapshot<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly values: MetricValue<L>[];
  readonly aggregator: 'sum';
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

type Labels<L extends string> = MetricValue<L>['labels'];

function labelsOf<L extends string>(names: readonly L[], values: readonly string[]): Labels<L> {
  const labels: Record<string, string> = {};
  names.forEach((name, i) => (labels[name] = values[i] as string));
  return labels as Labels<L>;
}

/**
 * The series of one fast metric by label values, made on first use: what the counter, the gauge
 * and the histogram share (each keeps its own entry shape).
 */
class SeriesTable<L extends string, E extends { readonly labels: Labels<L> }> {
  readonly #entries = new Map<string, E>();
  readonly #create: (labels: Labels<L>) => E;

  constructor(
    readonly labelNames: readonly L[],
    create: (labels: Labels<L>) => E,
  ) {
    this.#create = create;
  }

  /** The entry of these label values (in `labelNames` order). */
  entry(values: readonly string[]): E {
    const key = keyOf(values);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = this.#create(labelsOf(this.labelNames, values));
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** The entry of a label object. */
  entryOf(labels: Readonly<Record<L, string>>): E {
    return this.entry(this.labelNames.map((n) => labels[n]));
  }

  /** The entry of a label object, if it was ever made. */
  find(labels: Readonly<Record<L, string>>): E | undefined {
    return this.#entries.get(keyOf(this.labelNames.map((n) => labels[n])));
  }

  values(): IterableIterator<E> {
    return this.#entries.values();
  }
}

/**
 * A counter for hot paths that keeps its values itself: `series(...labelValues)` is looked up
 * once and kept, and each increment is then one addition (prom-client's own counters hash their
 * labels on every call, which costs more than the whole dispatch of a command). It needs no
 * prom-client until a registry collects it: registered on one (here or by `Metrics.registry`),
 * it appears on `/metrics` like any counter.
 */
export class FastCounter<L extends string> {
  /** The Prometheus type. */
  readonly type = 'counter';
  readonly #series: SeriesTable<L, { labels: Labels<L>; series: CounterSeries }>;

  /**
   * @param name - the metric name, e.g. `stats_commands_total`
   * @param help - the `# HELP` line
   * @param labelNames - the label names, in the order `series()` takes their values
   * @param registry - a prom-client registry to register on now (optional)
   */
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    registry?: Registry,
  ) {
    this.#series = new SeriesTable(labelNames, (labelValues) => ({
      labels: labelValues,
      series: {
        value: 0,
        inc(by = 1) {
          this.value += by;
        },
      },
    }));
    registry?.registerMetric(this as never);
  }

  /** The series for these label values (in `labelNames` order); keep it for repeated use. */
  series(...values: string[]): CounterSeries {
    return this.#series.entry(values).series;
  }

  /** Increments by label object (convenience; slower than a kept series). */
  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    this.#series.entryOf(labels).series.inc(by);
  }

  /** The current value of one series (0 when never incremented). */
  value(labels: Readonly<Record<L, string>>): number {
    return this.#series.find(labels)?.series.value ?? 0;
  }

  /** Every series with its labels (prom-client's collection hook). */
  get(): MetricSnapshot<L> {
    const values = [...this.#series.values()].map(({ labels, series }) => ({ labels, value: series.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

/**
 * A gauge that keeps its values itself, like {@link FastCounter}: setting it needs no
 * prom-client, which loads only when a registry collects it.
 */
export class FastGauge<L extends string> {
  /** The Prometheus type. */
  readonly type = 'gauge';
  readonly #series: SeriesTable<L, { labels: Labels<L>; value: number }>;

  /**
   * @param name - the metric name, e.g. `stats_adapter_ready`
   * @param help - the `# HELP` line
   * @param labelNames - the label names
   * @param registry - a prom-client registry to register on now (optional)
   */
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    registry?: Registry,
  ) {
    this.#series = new SeriesTable(labelNames, (labelValues) => ({ labels: labelValues, value: 0 }));
    registry?.registerMetric(this as never);
  }

  /** Sets one series. */
  set(labels: Readonly<Record<L, string>>, value: number): void {
    this.#series.entryOf(labels).value = value;
  }

  /** Adds to one series (subtracts with a negative `by`). */
  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    this.#series.entryOf(labels).value += by;
  }

  /** The current value of one series (0 when never set). */
  value(labels: Readonly<Record<L, string>>): number {
    return this.#series.find(labels)?.value ?? 0;
  }

  /** Every series with its labels (prom-client's collection hook). */
  get(): MetricSnapshot<L> {
    const values = [...this.#series.values()].map(({ labels, value }) => ({ labels, value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

/** A histogram for hot paths that keeps its buckets itself; see {@link FastCounter}. */
export class FastHistogram<L extends string> {
  /** The Prometheus type. */
  readonly type = 'histogram';
  readonly #series: SeriesTable<
    L,
    { labels: Labels<L>; counts: Float64Array; sum: number; count: number; series: HistogramSeries }
  >;

  /**
   * @param name - the metric name, e.g. `stats_command_duration_seconds`
   * @param help - the `# HELP` line
   * @param labelNames - the label names, in the order `series()` takes their values
   * @param buckets - the upper bounds of the buckets, ascending (`+Inf` is implied)
   * @param registry - a prom-client registry to register on now (optional)
   */
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    readonly buckets: readonly number[],
    registry?: Registry,
  ) {
    this.#series = new SeriesTable(labelNames, (labelValues) => {
      const counts = new Float64Array(buckets.length);
      const state = {
        labels: labelValues,
        counts,
        sum: 0,
        count: 0,
        series: undefined as unknown as HistogramSeries,
      };
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
      return state;
    });
    registry?.registerMetric(this as never);
  }

  /** The series for these label values; keep it for repeated use. */
  series(...values: string[]): HistogramSeries {
    return this.#series.entry(values).series;
  }

  /** Cumulative buckets, `+Inf`, sum and count of every series (prom-client's collection hook). */
  get(): MetricSnapshot<L> {
    const values: MetricValue<L>[] = [];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += counts[i] as number;
        values.push({ labels: { ...labels, le } as Labels<L>, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' } as Labels<L>, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}
