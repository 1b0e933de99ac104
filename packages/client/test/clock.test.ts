import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';

describe('systemClock', () => {
  it('tells the time as Date.now does', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('resolves a sleep of 0 ms', async () => {
    await expect(systemClock.sleep(0)).resolves.toBeUndefined();
  });

  it('rejects a sleep with the reason at once when the signal is already aborted', async () => {
    const reason = new Error('already');

    await expect(systemClock.sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects an hour-long sleep with the reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop waiting');
    const sleeping = systemClock.sleep(3_600_000, controller.signal);

    controller.abort(reason);

    await expect(sleeping).rejects.toBe(reason);
  });
});
