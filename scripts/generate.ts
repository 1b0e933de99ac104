// `pnpm generate`: regenerates the types and the client from spec/openapi.yaml, in place, and sets
// the client's version to the contract's info.version.
import { clientManifest, generateAll, repoRoot, syncClientVersion } from './codegen.ts';

generateAll(repoRoot);
syncClientVersion(repoRoot);
console.warn(
  `generated packages/types/src/openapi.gen.ts and packages/client/src/generated/; version set in ${clientManifest}`,
);
