// Preloaded into a target (`node --import <this file>`) when the bench measures allocation and
// garbage collection. On SIGUSR2 it writes what node:v8's GCProfiler recorded since the previous
// reading, with the heap's used size at both ends, as JSON to the file named by
// BENCH_GC_PROBE_FILE; the bench adds it up (src/gc-accounting.ts). Plain JavaScript: a
// TypeScript preload would load Node's type stripper into the target, ~17 MB of RSS that the
// bench would then report as the target's.
import { writeFileSync } from 'node:fs';
import { GCProfiler, getHeapStatistics } from 'node:v8';

const file = process.env.BENCH_GC_PROBE_FILE;
if (file) {
  let profiler = new GCProfiler();
  profiler.start();
  let usedBefore = getHeapStatistics().used_heap_size;
  let reading = 0;
  /** The collections since the last reading, with only the fields the bench reads. */
  let collections = [];
  // Read only when the bench asks (before and after each round), and only what the bench needs
  // is kept. A profiler keeps its records in native memory until stopped, but each stop and
  // restart also leaves native memory behind: drained every 250 ms, it multiplied bare Express's
  // RSS and slowed it down more with every round, the baseline every ratio is read against
  // (packages/bench/findings.md, third pass).
  const drain = () => {
    const statistics = profiler.stop()?.statistics ?? [];
    profiler = new GCProfiler();
    profiler.start();
    for (const { gcType, cost, beforeGC, afterGC } of statistics) {
      collections.push({
        gcType,
        cost,
        beforeGC: { heapStatistics: { usedHeapSize: beforeGC.heapStatistics.usedHeapSize } },
        afterGC: { heapStatistics: { usedHeapSize: afterGC.heapStatistics.usedHeapSize } },
      });
    }
  };
  process.on('SIGUSR2', () => {
    drain();
    const usedAfter = getHeapStatistics().used_heap_size;
    reading += 1;
    writeFileSync(file, JSON.stringify({ reading, usedBefore, usedAfter, statistics: collections }));
    usedBefore = usedAfter;
    collections = [];
  });
}
