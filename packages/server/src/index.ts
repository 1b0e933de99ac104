export { type AppDeps, createApp } from './app.ts';
export { buildDependencies, type Dependencies, type Overrides } from './composition.ts';
export { type Config, ConfigError, DEVELOPMENT_SECRET, loadConfig } from './config.ts';
export { type Contract, loadContract } from './contract.ts';
export { mintCredential } from './credentials/mint.ts';
export { type RunningServer, startServer } from './server.ts';
