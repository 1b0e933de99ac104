// One deadline for all of a request's store calls: a send whose calls each answer within their
// own timeout but not within the request's limit together answers 503 at the limit, and makes no
// further call once it has given up.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Credential } from '../../src/credentials/claims.ts';
import type { DeliveryReceipt, InviteDelivery } from '../../src/invites/delivery.ts';
import { createSendServerInvite } from '../../src/invites/send-server-invite.ts';
import { storeDeadline } from '../../src/invites/store-deadline.ts';
import { inProcessWakeUps } from '../../src/invites/wake-ups.ts';
import type { RateDecision, RateLimiter } from '../../src/throttling/rate-limiter.ts';

const service: Credential = {
  kind: 'service',
  subject: 'gs',
  titleIds: new Set([42]),
  expiresAtMs: Infinity,
};
const allow: RateDecision = { allowed: true, windows: [] };

afterEach(() => {
  vi.useRealTimers();
});

/** A port answering after `ms`, counting its calls. */
function slow<T>(ms: number, value: T) {
  const calls: number[] = [];
  return {
    calls,
    call: () => {
      calls.push(Date.now());
      return new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
    },
  };
}

function sendWith(rateMs: number, deliverMs: number, limitMs: number) {
  const rate = slow(rateMs, allow);
  const deliver = slow<DeliveryReceipt>(deliverMs, { reached: [], dropped: 0 });
  const rateLimiter: RateLimiter = { consume: rate.call };
  const delivery: InviteDelivery = { deliver: deliver.call };
  const send = createSendServerInvite({
    rateLimiter,
    delivery,
    wakeUps: inProcessWakeUps(),
    clock: { now: () => Date.now() },
    deadline: storeDeadline(limitMs),
    inviteTtlSeconds: 60,
  });
  const answered = send({ credential: service, titleId: 42, request: { invitedUsers: ['1'], sender: '2' } });
  const settled = answered.then(
    () => ({ at: Date.now(), error: undefined }),
    (error: unknown) => ({ at: Date.now(), error }),
  );
  return { settled, rate, deliver };
}

describe('a send under a store deadline', () => {
  it('answers 503 (Retry-After 1) at the limit when its calls, each in time, together are not', async () => {
    vi.useFakeTimers();
    const started = Date.now();
    const { settled, deliver } = sendWith(400, 400, 600);
    await vi.advanceTimersByTimeAsync(1000);
    const { at, error } = await settled;
    expect(at - started).toBe(600);
    expect(error).toMatchObject({ code: 'ServiceUnavailable', retryAfterSeconds: 1 });
    expect(deliver.calls).toEqual([started + 400]);
  });

  it('makes no further call once the limit has passed during one', async () => {
    vi.useFakeTimers();
    const started = Date.now();
    const { settled, deliver } = sendWith(800, 100, 600);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await settled).at - started).toBe(600);
    expect(deliver.calls).toEqual([]);
  });

  it('answers as usual when its calls together finish in time', async () => {
    vi.useFakeTimers();
    const started = Date.now();
    const { settled } = sendWith(200, 200, 600);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await settled).toEqual({ at: started + 400, error: undefined });
  });
});
