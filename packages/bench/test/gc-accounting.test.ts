import { describe, expect, it } from 'vitest';
import { addCollections, addReading, type GcStatistic, startAccount } from '../src/gc-accounting.ts';

const collection = (before: number, after: number, cost: number): GcStatistic => ({
  gcType: 'Scavenge',
  cost,
  beforeGC: { heapStatistics: { usedHeapSize: before } },
  afterGC: { heapStatistics: { usedHeapSize: after } },
});

describe('GC accounting', () => {
  it('counts as allocated the growth before each collection and since the last one', () => {
    const account = addCollections(
      startAccount(1000),
      [collection(5000, 2000, 300), collection(6000, 1500, 200)],
      1800,
    );
    // 1000 → 5000, 2000 → 6000, 1500 → 1800.
    expect(account.totals).toEqual({ collections: 2, gcMicros: 500, allocatedBytes: 4000 + 4000 + 300 });
    expect(account.usedBytes).toBe(1800);
  });

  it('carries on from the previous reading, without collections in between', () => {
    const first = addCollections(startAccount(1000), [], 1600);
    const second = addCollections(first, [collection(2600, 900, 50)], 1000);
    expect(first.totals.allocatedBytes).toBe(600);
    expect(second.totals).toEqual({ collections: 1, gcMicros: 50, allocatedBytes: 600 + 1000 + 100 });
  });

  it('never counts a heap that shrank without a collection as negative allocation', () => {
    expect(addCollections(startAccount(5000), [], 4000).totals.allocatedBytes).toBe(0);
  });
});

describe('GC probe readings', () => {
  it('adds readings up as one account across them', () => {
    const first = addReading(
      { collections: 0, gcMicros: 0, allocatedBytes: 0 },
      { reading: 1, usedBefore: 1000, usedAfter: 1600, statistics: [collection(5000, 1200, 100)] },
    );
    const second = addReading(first, {
      reading: 2,
      usedBefore: 1600,
      usedAfter: 2000,
      statistics: [],
    });
    expect(first).toEqual({ collections: 1, gcMicros: 100, allocatedBytes: 4000 + 400 });
    expect(second).toEqual({ collections: 1, gcMicros: 100, allocatedBytes: 4400 + 400 });
  });
});
