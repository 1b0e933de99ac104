// Run in a child process under the service's heap flags by test/throttling/bounded-memory-limiter
// .test.ts: drives SENDERS distinct senders through the service's two rate windows at one instant
// (the worst case: every window is live at once), then prints the heap used and the keys held,
// as one JSON line. `--expose-gc` lets it measure what is retained, not garbage.

import {
  type BoundedMemoryRateLimiter,
  boundedMemoryLimiters,
} from '../../src/throttling/bounded-memory-limiter.ts';
import { createRateLimiter } from '../../src/throttling/rate-limiter.ts';

const senders = Number(process.argv[2] ?? 300_000);
const titleId = 1827805096;
let nowMs = Date.UTC(2026, 10, 26, 12, 0, 0);
const clock = { now: () => nowMs };
const held: BoundedMemoryRateLimiter[] = [];
const factory = boundedMemoryLimiters(clock);
const limiter = createRateLimiter(
  [
    { name: 'burst', limit: 7, windowSeconds: 15 },
    { name: 'sustain', limit: 50, windowSeconds: 300 },
  ],
  (options) => {
    const made = factory(options) as BoundedMemoryRateLimiter;
    held.push(made);
    return made;
  },
);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < senders; i++) {
  // As the service builds it: the title, and the sender as parsed from the request's JSON.
  const sender = JSON.parse(`"${2533274792693551 + i}"`) as string;
  const decision = await limiter.consume(`${titleId}:${sender}`);
  if (!decision.allowed) throw new Error(`sender ${i} was refused on its first request`);
}
gc();
const after = process.memoryUsage().heapUsed;
const keysHeld = held.map((made) => made.size);

// Past both windows and one more (a generation is dropped once all of it has expired), the next request drops every expired generation.
nowMs += 601_000;
await limiter.consume(`${titleId}:1`);
gc();
const afterExpiry = process.memoryUsage().heapUsed;

process.stdout.write(
  `${JSON.stringify({
    senders,
    heapUsedBefore: before,
    heapUsedAfter: after,
    heapUsedAfterExpiry: afterExpiry,
    keysHeld,
    keysHeldAfterExpiry: held.map((made) => made.size),
  })}\n`,
);
