// Wires the service's parts from the configuration. Tests pass overrides (a clock, a delivery
// fake) instead of patching modules.
import pino, { type Logger } from 'pino';
import type { AppDeps } from './app.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type Contract, loadContract } from './contract.ts';
import { createAuthenticator } from './credentials/authenticator.ts';
import { loadVerificationKey } from './credentials/keys.ts';
import { createInMemoryInviteStore, type InviteDelivery } from './invites/delivery.ts';
import { createSendServerInvite } from './invites/send-server-invite.ts';
import { createLifecycle } from './lifecycle.ts';
import { createConcurrencyLimiter } from './throttling/concurrency-limiter.ts';
import { createRateLimiter, type LimiterFactory } from './throttling/rate-limiter.ts';

export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  delivery?: InviteDelivery;
  limiterFactory?: LimiterFactory;
  contract?: Contract;
}

export interface Dependencies extends AppDeps {
  clock: Clock;
  delivery: InviteDelivery;
}

export async function buildDependencies(
  config: Readonly<Config>,
  overrides: Overrides = {},
): Promise<Dependencies> {
  const clock = overrides.clock ?? systemClock;
  const logger =
    overrides.logger ??
    pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] });
  const delivery =
    overrides.delivery ??
    createInMemoryInviteStore({ clock, maxPendingPerUser: config.invites.maxPendingPerUser });
  const authenticator = createAuthenticator({
    key: await loadVerificationKey(config.auth.keys),
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    clockToleranceSeconds: config.auth.clockToleranceSeconds,
    cacheMaxEntries: config.auth.cacheMaxEntries,
    clock,
  });
  const rateLimiter = createRateLimiter(
    [
      { name: 'burst', ...config.throttle.burst },
      { name: 'sustain', ...config.throttle.sustain },
    ],
    overrides.limiterFactory,
  );
  return {
    clock,
    logger,
    delivery,
    contract: overrides.contract ?? loadContract(),
    authenticator,
    concurrency: createConcurrencyLimiter(config.throttle.concurrencyPerCaller),
    sendServerInvite: createSendServerInvite({
      rateLimiter,
      delivery,
      clock,
      inviteTtlSeconds: config.invites.ttlSeconds,
    }),
    lifecycle: createLifecycle(),
    bodyLimitBytes: config.http.bodyLimitBytes,
    validateResponses: config.validateResponses,
  };
}
