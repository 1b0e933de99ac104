/** A promise the test opens by hand: holds a request in flight without sleeping. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let entered!: () => void;
  const reached = new Promise<void>((resolve) => {
    entered = resolve;
  });
  return {
    /** Resolves once something waits at the gate. */
    reached,
    async wait() {
      entered();
      await opened;
    },
    open,
  };
}

/**
 * A delivery whose first send waits at `held` (so that its request stays in flight) and whose
 * later sends go through at once; each delivers to no endpoint.
 */
export function firstDeliveryHeld(held: ReturnType<typeof gate>) {
  let calls = 0;
  return {
    deliver: async () => {
      calls += 1;
      if (calls === 1) await held.wait();
      return { reached: [], dropped: 0 };
    },
  };
}
