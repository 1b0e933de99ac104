// Counters and histograms whose label sets are bound once, for the series a request updates.
//
// prom-client's Counter and Histogram look a series up by its labels on every update, even
// through a child made with labels(): they hash the labels object (its names sorted, its values
// joined) and find the series in a map, then check the value. On a send that was a third of what
// metrics cost. Here a series is bound once (its labels fixed, its place kept by the caller), and
// an update is an addition on it: a histogram's observation finds its bucket and adds three
// numbers. Scrapes read the series through prom-client's registry, which formats them exactly as
// it formats its own metrics (these give it the same values prom-client's would).
import type { Registry } from 'prom-client';

export type Labels = Readonly<Record<string, string>>;

interface ExportedValue {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels?: Labels;
  metricName?: string;
}

interface Exported {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: ExportedValue[];
  aggregator: 'sum';
}

interface Definition {
  name: string;
  help: string;
  labelNames?: readonly string[];
  registry: Registry;
}

/** Adapts a metric to prom-client's registry (which reads `get`, `getForPromString` and `reset`). */
abstract class BoundMetric<Series extends { labels: Labels }> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum' as const;
  readonly #labelNames: readonly string[];
  readonly #series = new Map<string, Series>();

  constructor({ name, help, labelNames = [], registry }: Definition) {
    this.name = name;
    this.help = help;
    this.#labelNames = labelNames;
    // prom-client's own metrics are registered the same way; it asks nothing else of them.
    registry.registerMetric(this as never);
  }

  /** The series of these labels (made at its first binding, at 0): bind once, update often. */
  protected bindSeries(labels: Labels, make: (labels: Labels) => Series): Series {
    const key = this.#labelNames.map((name) => labels[name] ?? '').join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      const own: Record<string, string> = {};
      for (const name of this.#labelNames) own[name] = labels[name] ?? '';
      series = make(own);
      this.#series.set(key, series);
    }
    return series;
  }

  protected get series(): IterableIterator<Series> {
    return this.#series.values();
  }

  abstract getForPromString(): Promise<Exported>;

  async get(): Promise<Exported> {
    const exported = await this.getForPromString();
    // As prom-client's get(): each value's labels with the series' labels folded in.
    exported.values = exported.values.map(({ sharedLabels, labels, ...value }) => ({
      ...value,
      labels: { ...labels, ...sharedLabels },
    }));
    return exported;
  }

  /** Registry.resetMetrics(): every series back to 0 (bound series stay bound). */
  abstract reset(): void;
}

export interface CounterSeries {
  readonly labels: Labels;
  value: number;
}

export class BoundCounter extends BoundMetric<CounterSeries> {
  readonly type = 'counter' as const;

  /** The series of these labels; `series.value += n` counts. Present (at 0) once bound. */
  bind(labels: Labels = {}): CounterSeries {
    return this.bindSeries(labels, (own) => ({ labels: own, value: 0 }));
  }

  async getForPromString(): Promise<Exported> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: [...this.series].map(({ labels, value }) => ({ labels: { ...labels }, value })),
      aggregator: this.aggregator,
    };
  }

  reset(): void {
    for (const series of this.series) series.value = 0;
  }
}

export interface HistogramSeries {
  readonly labels: Labels;
  observe(value: number): void;
}

interface HistogramState extends HistogramSeries {
  /** Observations per bucket (not cumulative); the last is above every bound (+Inf). */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class BoundHistogram extends BoundMetric<HistogramState> {
  readonly type = 'histogram' as const;
  readonly #bounds: readonly number[];

  constructor(definition: Definition & { buckets: readonly number[] }) {
    super(definition);
    this.#bounds = [...definition.buckets].sort((a, b) => a - b);
  }

  bind(labels: Labels = {}): HistogramSeries {
    const bounds = this.#bounds;
    return this.bindSeries(labels, (own) => {
      const state: HistogramState = {
        labels: own,
        counts: new Float64Array(bounds.length + 1),
        sum: 0,
        count: 0,
        observe(value) {
          let bucket = 0;
          while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket += 1;
          state.counts[bucket] = (state.counts[bucket] as number) + 1;
          state.sum += value;
          state.count += 1;
        },
      };
      return state;
    });
  }

  async getForPromString(): Promise<Exported> {
    const values: ExportedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, counts, sum, count } of this.series) {
      let cumulative = 0;
      for (const [i, le] of this.#bounds.entries()) {
        cumulative += counts[i] as number;
        values.push({ labels: { le }, value: cumulative, metricName: bucket, sharedLabels: labels });
      }
      values.push(
        { labels: { le: '+Inf' }, value: count, metricName: bucket, sharedLabels: labels },
        { labels: {}, value: sum, metricName: `${this.name}_sum`, sharedLabels: labels },
        { labels: {}, value: count, metricName: `${this.name}_count`, sharedLabels: labels },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const state of this.series) {
      state.counts.fill(0);
      state.sum = 0;
      state.count = 0;
    }
  }
}
