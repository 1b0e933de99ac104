// Pure arithmetic for the bench: percentiles, medians, ratios. No I/O, unit-tested.

/** The nearest-rank percentile (0 < p <= 100) of values, which it sorts in place; NaN when empty. */
export function percentile(values: Float64Array | number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = values instanceof Float64Array ? values.sort() : values.sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The ratio of two configurations measured in the same rounds: the median of the per-round ratios,
 * so that a round slowed down for everyone (another process on the machine) cancels out.
 */
export function pairedRatio(numerators: readonly number[], denominators: readonly number[]): number {
  const n = Math.min(numerators.length, denominators.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    const denominator = denominators[i] as number;
    if (denominator > 0) ratios.push((numerators[i] as number) / denominator);
  }
  return median(ratios);
}

/** A growable list of float samples (latencies in ms), without boxing every number. */
export class SampleBuffer {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
