import { describe, expect, it } from 'vitest';
import { median, pairedRatio, percentile, SampleBuffer } from '../src/stats.ts';

describe('percentile (nearest rank)', () => {
  it('picks the value at the rank', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile([...values], 50)).toBe(5);
    expect(percentile([...values], 99)).toBe(10);
    expect(percentile([...values], 10)).toBe(1);
    expect(percentile(Float64Array.from(values), 90)).toBe(9);
  });

  it('is NaN for no values and refuses a percentile outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });
});

describe('pairedRatio', () => {
  it('is the median of the per-round ratios, so a slow round for everyone cancels out', () => {
    // Round 2 ran while the machine was busy: both halved.
    expect(pairedRatio([800, 400, 820], [1000, 500, 1000])).toBeCloseTo(0.8);
  });

  it('skips rounds without a denominator', () => {
    expect(pairedRatio([1, 2], [0, 4])).toBe(0.5);
    expect(pairedRatio([1], [])).toBeNaN();
  });
});

describe('SampleBuffer', () => {
  it('grows past its initial capacity and keeps every value', () => {
    const buffer = new SampleBuffer();
    for (let i = 0; i < 200_000; i++) buffer.push(i);
    expect(buffer.length).toBe(200_000);
    expect(buffer.values()[199_999]).toBe(199_999);
  });
});
