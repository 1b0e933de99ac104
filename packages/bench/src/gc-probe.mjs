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
  process.on('SIGUSR2', () => {
    // Restarted at each reading, so the profiler never holds more than one round's collections.
    const statistics = profiler.stop()?.statistics ?? [];
    profiler = new GCProfiler();
    profiler.start();
    const usedAfter = getHeapStatistics().used_heap_size;
    reading += 1;
    writeFileSync(file, JSON.stringify({ reading, usedBefore, usedAfter, statistics }));
    usedBefore = usedAfter;
  });
}
