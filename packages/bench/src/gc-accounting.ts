// Allocation and garbage collection of a process, from node:v8's GCProfiler: the bench adds up
// what the probe running inside a target (src/gc-probe.mjs) reports. Pure arithmetic, unit-tested.

/** What GCProfiler's stop() reports per collection (the fields read here). */
export interface GcStatistic {
  gcType: string;
  /** The collection's duration on the main thread, in microseconds. */
  cost: number;
  beforeGC: { heapStatistics: { usedHeapSize: number } };
  afterGC: { heapStatistics: { usedHeapSize: number } };
}

/** One reading of the probe: the collections since the previous one, and the heap at both ends. */
export interface GcProbeReading {
  reading: number;
  usedBefore: number;
  usedAfter: number;
  statistics: GcStatistic[];
}

/** Totals since the probe started. */
export interface GcTotals {
  collections: number;
  gcMicros: number;
  /** Bytes the JavaScript heap grew by between collections: what the program allocated. */
  allocatedBytes: number;
}

export interface GcAccount {
  totals: GcTotals;
  /** The heap's used size where the previous reading ended (after a collection, or at a reading). */
  usedBytes: number;
}

export function startAccount(usedBytes: number): GcAccount {
  return { totals: { collections: 0, gcMicros: 0, allocatedBytes: 0 }, usedBytes };
}

/**
 * Adds the collections since the last reading. Between two collections the heap only grows by
 * allocation, so what was allocated is each collection's size before it minus the size the
 * previous one left, plus the growth since the last collection (`usedBytesNow`).
 */
export function addCollections(
  account: GcAccount,
  statistics: readonly GcStatistic[],
  usedBytesNow: number,
): GcAccount {
  let { collections, gcMicros, allocatedBytes } = account.totals;
  let used = account.usedBytes;
  for (const statistic of statistics) {
    allocatedBytes += Math.max(0, statistic.beforeGC.heapStatistics.usedHeapSize - used);
    used = statistic.afterGC.heapStatistics.usedHeapSize;
    collections += 1;
    gcMicros += statistic.cost;
  }
  allocatedBytes += Math.max(0, usedBytesNow - used);
  return { totals: { collections, gcMicros, allocatedBytes }, usedBytes: usedBytesNow };
}

/** Adds one reading of the probe to the totals so far. */
export function addReading(totals: GcTotals, reading: GcProbeReading): GcTotals {
  const period = addCollections(
    startAccount(reading.usedBefore),
    reading.statistics,
    reading.usedAfter,
  ).totals;
  return {
    collections: totals.collections + period.collections,
    gcMicros: totals.gcMicros + period.gcMicros,
    allocatedBytes: totals.allocatedBytes + period.allocatedBytes,
  };
}
