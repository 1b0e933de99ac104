import { expect, vi } from 'vitest';
import type { TestServer } from '../../src/testing.ts';

/** Resolves once `count` devices wait in the server's waiting room (a state, not a time). */
export async function devicesWaiting(server: TestServer, count: number): Promise<void> {
  await vi.waitFor(() => expect(server.deps.room.size).toBe(count), { timeout: 10_000, interval: 5 });
}
