// Preloaded into a target (`node --expose-gc --import <this file>`) when the bench measures what a
// waiting device costs: on SIGUSR2 it collects garbage fully, then writes the heap in use, the
// resident set and the heap's limit, as JSON, to the file named by BENCH_HEAP_PROBE_FILE. Plain JavaScript, as
// gc-probe.mjs is, so that no TypeScript loader is counted as the target's memory.
import { writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const file = process.env.BENCH_HEAP_PROBE_FILE;
if (file) {
  let reading = 0;
  process.on('SIGUSR2', () => {
    // Twice: the first collection may leave what only a second one frees (weak references).
    globalThis.gc?.();
    globalThis.gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    reading += 1;
    writeFileSync(
      file,
      JSON.stringify({ reading, heapUsed, rss, heapLimit: getHeapStatistics().heap_size_limit }),
    );
  });
}
