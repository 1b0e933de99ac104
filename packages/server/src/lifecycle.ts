/**
 * Where the instance is in its life; readiness answers 503 unless it is `ready`. `unavailable`:
 * started, but a shared dependency (Redis) does not answer, so traffic should go elsewhere.
 */
export type LifecycleState = 'starting' | 'ready' | 'unavailable' | 'draining';

export interface Lifecycle {
  readonly state: LifecycleState;
  markReady(): void;
  markDraining(): void;
}

/** A dependency the instance cannot serve without (checked on every readiness probe). */
export interface Dependency {
  healthy(): boolean;
}

export function createLifecycle(dependency?: Dependency): Lifecycle {
  let state: 'starting' | 'ready' | 'draining' = 'starting';
  return {
    get state() {
      if (state === 'ready' && dependency && !dependency.healthy()) return 'unavailable';
      return state;
    },
    markReady() {
      if (state === 'starting') state = 'ready';
    },
    markDraining() {
      state = 'draining';
    },
  };
}
