// A diagnostic, not a configuration of the product: the service's whole HTTP pipeline (request
// context and log, body parsing, contract validation, credentials, throttling, the handler) with an
// invite store that keeps nothing. Its distance to the full pipeline is what delivery to SQLite costs.
import { buildDependencies, loadConfig, startServer } from '@server-invites/server';

type Store = NonNullable<Parameters<typeof buildDependencies>[1]>['store'] & object;

const discardingStore: Store = {
  deliver: async () => ({ reached: [], dropped: 0 }),
  register: async ({ xuid, endpointId, platform, ttlSeconds }) => ({
    endpoint: { xuid, endpointId, platform, expiresAtMs: Date.now() + ttlSeconds * 1000 },
    created: true,
  }),
  unregister: async () => {},
  pending: async () => undefined,
  acknowledge: async () => false,
  pendingFor: async () => [],
  sweep: async () => ({ expiredInvites: 0, expiredEndpoints: 0 }),
  // Every keyed send is new: nothing is kept to answer a retry from.
  claim: async (record, { nowMs, leaseMs, windowMs }) => ({
    outcome: 'claimed',
    resumed: false,
    record: { ...record, createdAtMs: nowMs, expiresAtMs: nowMs + windowMs, leaseUntilMs: nowMs + leaseMs },
  }),
  release: async () => {},
  close: () => {},
};

const config = loadConfig({ ...process.env, PORT: '0' });
const running = await startServer(config, await buildDependencies(config, { store: discardingStore }));
process.stdout.write(`${JSON.stringify({ listening: Number(new URL(running.url).port) })}\n`);
process.once('SIGTERM', async () => {
  await running.shutdown();
  process.exit(0);
});
