// Loaded with `node --import` into a service process: serves express-openapi-validator's files with
// packages/bench/patches/express-openapi-validator@5.6.2.patch applied, in memory, so that the bench
// measures the patch before the workspace installs it. Files that already carry the patch (once
// pnpm's patchedDependencies applies it) are left alone.
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { applyFilePatch, parsePatch } from '../patch.ts';

const patchFile = fileURLToPath(
  new URL('../../patches/express-openapi-validator@5.6.2.patch', import.meta.url),
);
const files = parsePatch(readFileSync(patchFile, 'utf8'));
const PACKAGE = '/node_modules/express-openapi-validator/';

registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context);
    const at = url.lastIndexOf(PACKAGE);
    if (at === -1) return result;
    const file = files.find((f) => url.endsWith(`${PACKAGE}${f.path}`));
    if (!file) return result;
    const source = String(result.source ?? readFileSync(fileURLToPath(url), 'utf8'));
    const patched = (() => {
      try {
        return applyFilePatch(source, file);
      } catch (error) {
        // Already patched: the added lines are there.
        if (file.hunks.every((h) => source.includes(h.after.filter((l) => l.trim() !== '').join('\n')))) {
          return source;
        }
        throw error;
      }
    })();
    return { ...result, format: result.format ?? 'commonjs', source: patched };
  },
});
