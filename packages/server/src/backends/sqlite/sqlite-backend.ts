// One process on its own: invites and registrations in a SQLite file, wake-ups and rate windows in
// memory.
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { InviteStore } from '../../invites/delivery.ts';
import { inProcessWakeUps } from '../../invites/wake-ups.ts';
import { boundedMemoryLimiters } from '../../throttling/bounded-memory-limiter.ts';
import { createRateLimiter } from '../../throttling/rate-limiter.ts';
import type { Backend, BackendContext } from '../backend.ts';
import { createSqliteInviteStore } from './sqlite-invite-store.ts';

export function openSqliteBackend(invites: Config['invites'], { clock }: BackendContext): Backend {
  const store = createSqliteInviteStore({
    path: invites.storePath,
    clock,
    maxPendingPerUser: invites.maxPendingPerUser,
    maxEndpointsPerUser: invites.maxEndpointsPerUser,
  });
  return inProcessBackend('sqlite', store, clock);
}

/** A store of one process, with wake-ups and rate windows in its memory (tests inject stores so). */
export function inProcessBackend(kind: string, store: InviteStore, clock: Clock): Backend {
  return {
    kind,
    store,
    wakeUps: inProcessWakeUps(),
    rateLimiter: (windows) => createRateLimiter(windows, boundedMemoryLimiters(clock)),
  };
}
