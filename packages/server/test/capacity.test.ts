import { describe, expect, it } from 'vitest';
import {
  ASSUMED_OPEN_FILES,
  CONNECTIONS_NOT_WAITING,
  FILES_RESERVED,
  HEAP_PER_CONNECTION_BYTES,
  HEAP_PER_WAITING_DEVICE_BYTES,
  HEAP_RESERVED_BYTES,
  MIN_TOKEN_CACHE_ENTRIES,
  planCapacity,
  readProcessLimits,
  refusalHeadroom,
  tokenCacheEntries,
} from '../src/capacity.ts';

const MiB = 1024 * 1024;
const unset = { connections: undefined, waitingDevices: undefined };

describe('capacity planning', () => {
  it('keeps connections below the open-file limit, whatever it is (containers give 1,024 to 1,048,576)', () => {
    for (const openFiles of [1024, 20_000, 65_536, 1_048_576]) {
      const { capacity } = planCapacity(unset, { openFiles, heapBytes: 64 * 1024 * MiB });
      expect(capacity.connections).toBe(openFiles - FILES_RESERVED - refusalHeadroom(openFiles));
      expect(capacity.connections + capacity.refusalHeadroom).toBeLessThan(openFiles);
      expect(capacity.waitingDevices).toBeLessThan(capacity.connections);
    }
  });

  it('keeps connections and waiting devices within the heap: memory is bounded by admission, not by a crash', () => {
    for (const heapMiB of [140, 268, 332, 1024]) {
      const heapBytes = heapMiB * MiB;
      const { capacity } = planCapacity(unset, { openFiles: 1_048_576, heapBytes });
      // Every connection open, as many of them waiting as admitted: still within the heap.
      const worstCase =
        HEAP_RESERVED_BYTES +
        capacity.waitingDevices * HEAP_PER_WAITING_DEVICE_BYTES +
        (capacity.connections - capacity.waitingDevices) * HEAP_PER_CONNECTION_BYTES;
      expect(worstCase).toBeLessThanOrEqual(heapBytes);
      expect(capacity.waitingDevices).toBe(Math.floor(capacity.connections * (1 - CONNECTIONS_NOT_WAITING)));
    }
  });

  it("holds ~18,500 waiting devices with this machine's 20,000 open files and the service's heap flags (332 MiB)", () => {
    const { capacity } = planCapacity(unset, { openFiles: 20_000, heapBytes: 332 * MiB });
    expect(capacity).toEqual({ connections: 19_536, refusalHeadroom: 400, waitingDevices: 18_559 });
  });

  it('remembers a verified credential for every connection it plans, so that devices polling again are not verified again', () => {
    const { capacity } = planCapacity(unset, { openFiles: 20_000, heapBytes: 332 * MiB });
    expect(tokenCacheEntries(capacity)).toBe(19_536);
  });

  it('remembers at least 10,000 verified credentials when it plans fewer connections', () => {
    const { capacity } = planCapacity(unset, { openFiles: 1024, heapBytes: 332 * MiB });
    expect(tokenCacheEntries(capacity)).toBe(MIN_TOKEN_CACHE_ENTRIES);
  });

  it('keeps a share of the connections for callers other than waiting devices', () => {
    const { capacity } = planCapacity(unset, { openFiles: 1128, heapBytes: 64 * 1024 * MiB });
    expect(capacity.connections).toBe(1000);
    expect(capacity.waitingDevices).toBe(Math.floor(1000 * (1 - CONNECTIONS_NOT_WAITING)));
  });

  it('takes configured caps below the limits as they are', () => {
    const plan = planCapacity(
      { connections: 500, waitingDevices: 100 },
      { openFiles: 20_000, heapBytes: 512 * MiB },
    );
    expect(plan).toEqual({
      capacity: { connections: 500, refusalHeadroom: 400, waitingDevices: 100 },
      warnings: [],
    });
  });

  it('lowers configured caps above the limits to them, saying so', () => {
    const plan = planCapacity(
      { connections: 30_000, waitingDevices: 30_000 },
      { openFiles: 20_000, heapBytes: 2048 * MiB },
    );
    expect(plan.capacity.connections).toBe(19_536);
    expect(plan.capacity.waitingDevices).toBe(Math.floor(19_536 * (1 - CONNECTIONS_NOT_WAITING)));
    expect(plan.warnings).toEqual([
      expect.stringMatching(
        /^MAX_CONNECTIONS=30000 is above what 20000 open files and a heap of 2048 MiB allow; using 19536$/,
      ),
      expect.stringMatching(/^MAX_WAITING_DEVICES=30000 is above what 19536 connections/),
    ]);
  });

  it('assumes the common default of open files where the limit cannot be read', () => {
    const { capacity } = planCapacity(unset, { openFiles: undefined, heapBytes: 64 * 1024 * MiB });
    expect(capacity.connections).toBe(ASSUMED_OPEN_FILES - FILES_RESERVED - 64);
  });

  it("reads this process's own limits", () => {
    const limits = readProcessLimits();
    expect(limits.openFiles).toBeGreaterThan(FILES_RESERVED);
    expect(limits.heapBytes).toBeGreaterThan(HEAP_RESERVED_BYTES);
  });
});
