import { describe, expect, it } from 'vitest';
import { parseCpuSeconds, parseProcStatus } from '../src/process-stats.ts';

describe('/proc parsing', () => {
  it('reads VmRSS and VmHWM from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmHWM:\t  188180 kB\nVmRSS:\t  120000 kB\nThreads:\t11\n';
    expect(parseProcStatus(status)).toEqual({ rssKb: 120000, peakRssKb: 188180 });
  });

  it('reads utime + stime from /proc/<pid>/stat, even with spaces in the command name', () => {
    const stat = '4242 (node main) S 1 2 3 4 5 6 7 8 9 10 250 30 0 0 20 0 11 0 100 200 300';
    expect(parseCpuSeconds(stat)).toBeCloseTo(2.8);
  });
});
