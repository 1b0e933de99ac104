// Memory of a running process, from Linux's /proc: the resident set now (VmRSS) and its peak over
// the process's life (VmHWM, the "high water mark").
import { readFileSync } from 'node:fs';

export interface MemorySample {
  rssKb: number;
  peakRssKb: number;
}

export function parseProcStatus(status: string): MemorySample {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`no ${name} in /proc/<pid>/status`);
    return Number(match[1]);
  };
  return { rssKb: field('VmRSS'), peakRssKb: field('VmHWM') };
}

export function sampleMemory(pid: number): MemorySample {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
export function parseCpuSeconds(stat: string): number {
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

export function sampleCpuSeconds(pid: number): number {
  return parseCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}
