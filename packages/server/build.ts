// `pnpm build`: the service as deployed, in dist/: main.mjs (turns Node's compile cache on) and
// serve.mjs (the service and its packages in one ES module). One file instead of several hundred
// modules starts faster and takes less memory (see packages/bench/BENCHMARKS.md); tests run the
// sources, and test/build.test.ts starts the built files.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const packageDir = import.meta.dirname;

/**
 * The Node.js flags the service runs with (`pnpm start`; the bench reads them from here, and
 * test/build.test.ts checks that the start script uses them). After a full GC the service's heap
 * holds ~20 MB, but with V8's default sizing (up to 32 MB semi-spaces, an old generation that
 * grows far past the live data before it is collected) its RSS roughly doubles under load. These
 * bound it (packages/bench/BENCHMARKS.md: the soak, and "default V8 heap" side by side). The
 * semi-spaces are the trade-off: smaller ones mean more scavenges per request, larger ones more
 * RSS (8 MB went over 150 MB after 3 × 100k requests). A deployment with memory to spare can start
 * `node dist/main.mjs` without them.
 */
export const serviceNodeFlags = ['--max-semi-space-size=4', '--max-old-space-size=320'] as const;

// main.ts imports ./serve.ts after turning the compile cache on; bundled into one file, the cache
// would be turned on after that file was compiled. So serve.ts is its own output, imported at run time.
const serveAsSeparateModule: Plugin = {
  name: 'serve-as-separate-module',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/serve\.ts$/ }, () => ({ path: './serve.mjs', external: true }));
  },
};

export async function buildService(outdir = join(packageDir, 'dist')): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outdir,
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    // Names are kept (stack traces stay readable); the smaller source is held in memory by V8.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    // Swagger UI's files are served from the installed package's folder, found at run time.
    external: ['swagger-ui-dist'],
    // The CommonJS packages inside the bundle call require() for Node's built-in modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
  };
  await build({
    ...common,
    entryPoints: [join(packageDir, 'src', 'main.ts')],
    plugins: [serveAsSeparateModule],
  });
  await build({ ...common, entryPoints: [join(packageDir, 'src', 'serve.ts')] });
}

if (import.meta.main) {
  await buildService(process.argv[2]);
}
