// The service process: configuration, wiring, listening, signals. Started by main.ts.
import { buildDependencies } from './composition.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const deps = await buildDependencies(config);
const { logger } = deps;

// A failure nobody handled leaves the process in an unknown state: log it and end the process,
// so that the orchestrator starts a clean one.
process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled rejection');
  process.exit(1);
});
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(1);
});

const running = await startServer(config, deps);
if (config.auth.keys.kind === 'hs256-secret' && config.auth.keys.isDevelopmentSecret) {
  logger.warn(
    'accepting tokens signed with the development secret; mint one with `pnpm --silent run token --title <id>`',
  );
}
logger.info({ url: running.url, environment: config.environment }, 'listening');
// Out now rather than with the next batch (observability/log-destination.ts): whoever started the
// service is waiting for this line.
logger.flush();

// A stop signal often comes twice (Ctrl-C reaches pnpm and this process, and pnpm passes it on):
// the first drains, later ones are ignored; a listener left in place keeps Node's default action,
// which would end the process at once, from cutting the drain short.
let draining = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (draining) return;
    draining = true;
    logger.info({ signal }, 'draining');
    await running.shutdown();
    deps.store.close();
    logger.info('stopped');
    process.exit(0);
  });
}
