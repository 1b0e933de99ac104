/**
 * Where the instance is in its life. Readiness answers 503 while `starting`, `draining` or
 * `unavailable` (started, but a shared dependency, Redis, does not answer: traffic should go
 * elsewhere). `full`: the dependency answers but refuses writes (a Redis at maxmemory); readiness
 * answers 200 all the same, since every replica shares that Redis, and what still works
 * (receiving, acknowledging, unregistering) is what frees its memory.
 */
export type LifecycleState = 'starting' | 'ready' | 'unavailable' | 'full' | 'draining';

export interface Lifecycle {
  readonly state: LifecycleState;
  markReady(): void;
  markDraining(): void;
}

/** `full`: it answers reads and deletions, and refuses whatever would take more memory. */
export type DependencyState = 'ok' | 'unavailable' | 'full';

/** A dependency the instance cannot serve without (checked on every readiness probe). */
export interface Dependency {
  state(): DependencyState;
}

export function createLifecycle(dependency?: Dependency): Lifecycle {
  let state: 'starting' | 'ready' | 'draining' = 'starting';
  return {
    get state() {
      if (state !== 'ready' || !dependency) return state;
      const health = dependency.state();
      return health === 'ok' ? 'ready' : health;
    },
    markReady() {
      if (state === 'starting') state = 'ready';
    },
    markDraining() {
      state = 'draining';
    },
  };
}
