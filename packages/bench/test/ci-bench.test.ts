// The CI bench (`pnpm bench:ci`, run here so that `pnpm test` runs it in CI): a second of load on
// each configuration, and 200 waiting devices on each store; it fails on connection errors and
// unexpected answers only, never on speed or memory.
import { describe, expect, it } from 'vitest';
import { PLANS, runBench } from '../src/bench.ts';

describe('the CI bench', () => {
  it('answers every request of every configuration with a 2xx, without connection errors', async () => {
    const bench = await runBench(PLANS.ci);
    const failures = bench.results
      .filter((r) => r.errors > 0 || r.non2xx > 0)
      .map((r) => `${r.id}: ${r.errors} errors, ${r.non2xx} non-2xx`);
    expect(failures).toEqual([]);
    expect(bench.results.map((r) => r.id)).toEqual(PLANS.ci.configurations);
    for (const result of bench.results) expect(result.rounds[0]?.requests).toBeGreaterThan(0);
    // The service on Redis: a send stays within the three round trips the server's tests count.
    const onRedis = bench.results.find((r) => r.id === 'service-1-redis');
    expect(onRedis?.redis?.roundTripsPerRequest).toBeGreaterThan(0);
    expect(onRedis?.redis?.roundTripsPerRequest).toBeLessThanOrEqual(3);
    // Every request from a new sender, on each store: all answered 204.
    expect(
      bench.distinctSenders.map((run) => ({
        id: run.id,
        requests: run.requests,
        failed: run.errors + run.non2xx,
      })),
    ).toEqual([
      { id: 'service-1', requests: 2000, failed: 0 },
      { id: 'service-1-redis', requests: 2000, failed: 0 },
    ]);
    // 200 devices waiting on each store, by long polls and by streams: all of them held, every poll
    // (or stream) answered 200, none cut.
    expect(
      bench.devices.map((run) => ({
        store: run.store,
        transport: run.transport,
        waiting: run.waiting,
        statuses: Object.keys(run.statuses),
        cuts: run.cuts,
        errors: run.errors,
      })),
    ).toEqual([
      { store: 'sqlite', transport: 'poll', waiting: 200, statuses: ['200'], cuts: 0, errors: 0 },
      { store: 'sqlite', transport: 'stream', waiting: 200, statuses: ['200'], cuts: 0, errors: 0 },
      { store: 'redis', transport: 'poll', waiting: 200, statuses: ['200'], cuts: 0, errors: 0 },
      { store: 'redis', transport: 'stream', waiting: 200, statuses: ['200'], cuts: 0, errors: 0 },
    ]);
    for (const run of bench.devices) expect(run.heapPerDeviceBytes).toBeGreaterThan(0);
  }, 180_000);
});
