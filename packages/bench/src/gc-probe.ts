// Preloaded into a target (`node --import <this file>`) when the bench measures allocation and
// garbage collection. On SIGUSR2 it writes its totals since start (src/gc-accounting.ts) as JSON
// to the file named by BENCH_GC_PROBE_FILE; the bench reads them before and after each round.
import { writeFileSync } from 'node:fs';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { addCollections, type GcStatistic, startAccount } from './gc-accounting.ts';

const file = process.env.BENCH_GC_PROBE_FILE;
if (file) {
  let profiler = new GCProfiler();
  profiler.start();
  let account = startAccount(getHeapStatistics().used_heap_size);
  let reading = 0;
  process.on('SIGUSR2', () => {
    // Restarted at each reading, so the profiler never holds more than one round's collections.
    const statistics = (profiler.stop()?.statistics ?? []) as GcStatistic[];
    profiler = new GCProfiler();
    profiler.start();
    account = addCollections(account, statistics, getHeapStatistics().used_heap_size);
    reading += 1;
    writeFileSync(file, JSON.stringify({ reading, ...account.totals }));
  });
}
