// The service's entry point. Node's compile cache goes on before anything else is imported: the
// service's modules and their packages (several hundred files) are then loaded from cached V8
// code on every start after the first, which took start-up from ~1 s towards ~0.5 s (see
// packages/bench/BENCHMARKS.md). The cache lives in NODE_COMPILE_CACHE if set, else in the
// system's temporary directory; a missing or stale cache only costs time.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./serve.ts');
