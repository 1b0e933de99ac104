// `pnpm generate`: regenerates the types and the client from spec/openapi.yaml, in place.
import { generateAll, repoRoot } from './codegen.ts';

generateAll(repoRoot);
console.warn('generated packages/types/src/openapi.gen.ts and packages/client/src/generated/');
