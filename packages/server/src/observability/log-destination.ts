// Where the service's log lines go: stdout, written asynchronously and in batches.
//
// Lines are held until 4 KiB have gathered (a dozen request lines) or 200 ms have passed, then go
// out in one write: every write is a call into the kernel (through libuv's thread pool), and one
// per line was 4% of the service's CPU under load (packages/bench/findings.md). A write in flight
// gathers the lines logged meanwhile. pino flushes what is held when the process exits (a fatal
// error included); a process killed outright (SIGKILL) loses at most the last 200 ms. If whatever
// reads stdout stalls, lines beyond 16 MiB of backlog are dropped rather than the heap growing
// without bound.
import pino from 'pino';

/** Lines held before a write, in bytes. */
export const LOG_BATCH_BYTES = 4096;
/** The longest a line is held, in milliseconds. */
export const LOG_BATCH_MS = 200;

export type LogDestination = ReturnType<typeof pino.destination>;

export function createLogDestination(fd: number | string = 1): LogDestination {
  const destination = pino.destination({
    dest: fd,
    sync: false,
    minLength: LOG_BATCH_BYTES,
    maxLength: 16 * 1024 * 1024,
  });
  // sonic-boom's own flag (its typings leave it out): flushing a destroyed destination throws.
  const state = destination as unknown as { destroyed: boolean };
  // Unref'd: it never keeps the process alive, and ends with the destination.
  const flusher = setInterval(() => {
    if (!state.destroyed) destination.flush();
  }, LOG_BATCH_MS).unref();
  destination.once('close', () => clearInterval(flusher));
  return destination;
}
