// Runs load from a separate process (src/load-worker.ts) and returns what it measured.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

export interface LoadJob {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests instead (durationSeconds then only bounds the run). */
  amount?: number;
  /**
   * Each request from a sender of its own: this text (a XUID in `body`) is replaced in every
   * request by the next of a run of distinct XUIDs starting at `firstSender`.
   */
  distinctSenders?: { placeholder: string; firstSender: string };
}

export interface LoadResult {
  /** Responses received, whatever their status. */
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  /** Latency percentiles over every response, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

export interface LoadGenerator {
  pid: number;
  run(job: LoadJob): Promise<LoadResult>;
  close(): Promise<void>;
}

export function startLoadGenerator(): LoadGenerator {
  const child: ChildProcess = fork(new URL('./load-worker.ts', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<number, { resolve(result: LoadResult): void; reject(error: Error): void }>();
  child.on('message', (message: { id: number; result?: LoadResult; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.result) waiter?.resolve(message.result);
    else waiter?.reject(new Error(`load generator: ${message.error}`));
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load generator exited with ${code}`));
    pending.clear();
  });
  return {
    pid: child.pid ?? -1,
    run(job) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, job });
      });
    },
    async close() {
      if (child.exitCode !== null || !child.connected) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
