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
