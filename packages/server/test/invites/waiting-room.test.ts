import { describe, expect, it } from 'vitest';
import {
  createWaitingRoom,
  type Departure,
  type Timers,
  type Waiter,
} from '../../src/invites/waiting-room.ts';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: Timers = {
    set(callback, _ms, waiter: Waiter) {
      const handle = next++;
      pending.set(handle, () => callback(waiter));
      return handle;
    },
    clear(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    get count() {
      return pending.size;
    },
    fireAll() {
      for (const [handle, fire] of [...pending]) {
        pending.delete(handle);
        fire();
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

/** A device whose connection the test closes. */
function device(departed = false) {
  const callbacks: (() => void)[] = [];
  const departure: Departure = {
    get departed() {
      return departed;
    },
    onDeparture: (callback) => void callbacks.push(callback),
  };
  return {
    departure,
    leave() {
      departed = true;
      for (const callback of callbacks) callback();
    },
  };
}

function enter(room: ReturnType<typeof createWaitingRoom>, key: string, departure?: Departure) {
  const wait = room.enter(key, 30_000, departure);
  if (!wait) throw new Error('the room refused the wait');
  return wait;
}

describe('waiting room', () => {
  it('ends a wait when its endpoint is woken, and not for another endpoint', async () => {
    const manual = manualTimers();
    const room = createWaitingRoom({ capacity: 10, timers: manual.timers });
    const wait = enter(room, 'a/console');
    room.wake(['a/phone']);
    expect(await settled(wait.ended)).toBe(false);
    room.wake(['a/console']);
    expect(await settled(wait.ended)).toBe(true);
    wait.leave();
    expect([manual.count, room.size]).toEqual([0, 0]);
  });

  it('does not miss a wake-up that arrives between entering and awaiting (entered before the queue is read)', async () => {
    const room = createWaitingRoom({ capacity: 10, timers: manualTimers().timers });
    const wait = enter(room, 'a/console');
    room.wake(['a/console']);
    expect(await settled(wait.ended)).toBe(true);
  });

  it('ends a wait when the time is up', async () => {
    const manual = manualTimers();
    const wait = enter(createWaitingRoom({ capacity: 10, timers: manual.timers }), 'a/console');
    manual.fireAll();
    expect(await settled(wait.ended)).toBe(true);
  });

  it('ends a wait when its device goes away, and on leaving cancels its timer', async () => {
    const phone = device();
    const manual = manualTimers();
    const room = createWaitingRoom({ capacity: 10, timers: manual.timers });
    const wait = enter(room, 'a/console', phone.departure);
    phone.leave();
    expect(await settled(wait.ended)).toBe(true);
    wait.leave();
    expect([manual.count, room.size]).toEqual([0, 0]);
  });

  it('ends at once the wait of a device already gone', async () => {
    const room = createWaitingRoom({ capacity: 10, timers: manualTimers().timers });
    expect(await settled(enter(room, 'a/console', device(true).departure).ended)).toBe(true);
  });

  it('holds 1000 waits with one timer each and wakes exactly those of the endpoint woken', async () => {
    const manual = manualTimers();
    const room = createWaitingRoom({ capacity: 1000, timers: manual.timers });
    let woken = 0;
    const waits = Array.from({ length: 1000 }, (_, i) => enter(room, `user/${i % 10}`));
    for (const wait of waits) void wait.ended.then(() => void woken++);
    await new Promise((resolve) => setImmediate(resolve));
    expect([manual.count, room.size, woken]).toEqual([1000, 1000, 0]);
    room.wake(['user/3']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toBe(100);
    for (const wait of waits) wait.leave();
    expect([manual.count, room.size]).toEqual([0, 0]);
  });

  it('refuses a wait past its capacity, and admits one again once a wait has left', () => {
    const room = createWaitingRoom({ capacity: 2, timers: manualTimers().timers });
    const first = enter(room, 'a/console');
    enter(room, 'b/console');
    expect(room.enter('c/console', 30_000)).toBeUndefined();
    first.leave();
    first.leave();
    expect(room.size).toBe(1);
    expect(room.enter('c/console', 30_000)).toBeDefined();
  });

  it('keeps several waits of one endpoint apart: leaving one leaves the others waiting', async () => {
    const room = createWaitingRoom({ capacity: 10, timers: manualTimers().timers });
    const [a, b, c] = [enter(room, 'a/console'), enter(room, 'a/console'), enter(room, 'a/console')];
    b.leave();
    room.wake(['a/console']);
    expect([await settled(a.ended), await settled(c.ended)]).toEqual([true, true]);
  });
});

describe('waiting room when closed', () => {
  it('ends every wait and lets later waits end at once', async () => {
    const manual = manualTimers();
    const room = createWaitingRoom({ capacity: 10, timers: manual.timers });
    const wait = enter(room, 'a/console');
    room.close();
    expect(await settled(wait.ended)).toBe(true);
    expect(await settled(enter(room, 'a/phone').ended)).toBe(true);
  });
});
