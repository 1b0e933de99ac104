import { describe, expect, it } from 'vitest';
import { createInviteNotifier, type SetTimer } from '../../src/invites/invite-notifier.ts';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Set<() => void>();
  const setTimer: SetTimer = (callback) => {
    pending.add(callback);
    return () => pending.delete(callback);
  };
  return {
    setTimer,
    get count() {
      return pending.size;
    },
    fireAll() {
      for (const callback of [...pending]) {
        pending.delete(callback);
        callback();
      }
    },
  };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('invite notifier', () => {
  it('wakes a waiter when its endpoint is notified, and not for another endpoint', async () => {
    const timers = manualTimers();
    const notifier = createInviteNotifier(timers.setTimer);
    const subscription = notifier.subscribe('a/console');
    const waiting = subscription.wait(30_000);
    notifier.notify(['a/phone']);
    expect(await settled(waiting)).toBe(false);
    notifier.notify(['a/console']);
    expect(await settled(waiting)).toBe(true);
    expect(timers.count).toBe(0);
  });

  it('does not miss a notification that arrives between subscribing and waiting', async () => {
    const notifier = createInviteNotifier(manualTimers().setTimer);
    const subscription = notifier.subscribe('a/console');
    notifier.notify(['a/console']);
    expect(await settled(subscription.wait(30_000))).toBe(true);
  });

  it('gives up when the time is up', async () => {
    const timers = manualTimers();
    const subscription = createInviteNotifier(timers.setTimer).subscribe('a/console');
    const waiting = subscription.wait(30_000);
    timers.fireAll();
    expect(await settled(waiting)).toBe(true);
  });

  it('gives up when the signal aborts (the client went away)', async () => {
    const controller = new AbortController();
    const timers = manualTimers();
    const waiting = createInviteNotifier(timers.setTimer)
      .subscribe('a/console')
      .wait(30_000, controller.signal);
    controller.abort();
    expect(await settled(waiting)).toBe(true);
    expect(timers.count).toBe(0);
  });

  it('holds 1000 idle waiters with one timer each and no work until notified', async () => {
    const timers = manualTimers();
    const notifier = createInviteNotifier(timers.setTimer);
    let woken = 0;
    const subscriptions = Array.from({ length: 1000 }, (_, i) => notifier.subscribe(`user/${i % 10}`));
    const waits = subscriptions.map((s) => s.wait(30_000).then(() => void woken++));
    await new Promise((resolve) => setImmediate(resolve));
    expect([timers.count, woken]).toEqual([1000, 0]);
    notifier.notify(['user/3']);
    await Promise.race([Promise.all(waits), new Promise((resolve) => setImmediate(resolve))]);
    expect(woken).toBe(100);
    for (const s of subscriptions) s.cancel();
  });
});

describe('invite notifier when closed', () => {
  it('wakes every waiter and lets later waits return at once', async () => {
    const timers = manualTimers();
    const notifier = createInviteNotifier(timers.setTimer);
    const waiting = notifier.subscribe('a/console').wait(30_000);
    notifier.close();
    expect(await settled(waiting)).toBe(true);
    expect(await settled(notifier.subscribe('a/phone').wait(30_000))).toBe(true);
    expect(timers.count).toBe(0);
  });
});
