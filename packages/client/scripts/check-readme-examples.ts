// Type-checks every ```ts block of README.md, so that a change of the API that breaks an example
// breaks `pnpm run typecheck` (and the tests) too: against the package's sources (fast, no build),
// or, as a consumer compiles them, against the package installed in a consumer project under each
// TypeScript module resolution the README documents (test/package.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const packageDir = path.resolve(import.meta.dirname, '..');
const README = path.join(packageDir, 'README.md');
const PACKAGE_NAME = '@server-invites/client';

export interface Example {
  /** The README line of the example's first code line (1-based). */
  readonly line: number;
  readonly code: string;
}

export function extractExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? '')) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    examples.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return examples;
}

/**
 * The module resolutions the README documents, with the `module` setting each goes with. The
 * examples use top-level await, so under node10 (the default of `module: commonjs`) they are
 * compiled as ES modules; what node10 decides is whether the package's types resolve at all.
 */
export const DOCUMENTED_RESOLUTIONS = {
  nodenext: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
  node10: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10 },
} as const satisfies Record<string, ts.CompilerOptions>;

export type Resolution = keyof typeof DOCUMENTED_RESOLUTIONS;

/** Where the examples find the package: a consumer project that installed it. */
export interface InstalledPackage {
  /** A project whose node_modules holds the installed package (its package.json says `type: module`). */
  consumerDir: string;
  resolution: Resolution;
}

/**
 * Compiles each example as its own module; returns the errors as `README.md:<line>: <message>`.
 * Without `installed`, the package name means the sources; with it, the installed package, as a
 * consumer's compiler resolves it (its declarations only, no @types/node, libs checked too).
 */
export function checkExamples(examples: readonly Example[], installed?: InstalledPackage): string[] {
  if (installed !== undefined) {
    const options: ts.CompilerOptions = {
      ...DOCUMENTED_RESOLUTIONS[installed.resolution],
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
    };
    return compile(examples, installed.consumerDir, options);
  }
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(packageDir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    // Examples import the package by name, as a consumer does; here the name means the sources.
    baseUrl: packageDir,
    paths: { [PACKAGE_NAME]: ['./src/index.ts'] },
  };
  // Virtual files beside package.json, so that they are ES modules that find @types/node.
  return compile(examples, packageDir, options);
}

function compile(examples: readonly Example[], directory: string, options: ts.CompilerOptions): string[] {
  const files = new Map(
    examples.map((example, i) => [path.join(directory, `README.example-${i + 1}.ts`), example]),
  );
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.code ?? readFile.call(host, name);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const example = files.get(name);
    return example === undefined
      ? getSourceFile.call(host, name, languageVersion, ...rest)
      : ts.createSourceFile(name, example.code, languageVersion, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const { file, start } = diagnostic;
    if (file === undefined || start === undefined) return `README.md: ${message}`;
    const example = files.get(file.fileName);
    const { line } = file.getLineAndCharacterOfPosition(start);
    return example === undefined
      ? `${path.relative(directory, file.fileName)}:${line + 1}: ${message}`
      : `README.md:${example.line + line}: ${message}`;
  });
}

if (import.meta.main) {
  const examples = extractExamples(readFileSync(README, 'utf8'));
  const errors = examples.length === 0 ? ['README.md: no ```ts example found'] : checkExamples(examples);
  for (const error of errors) console.error(error);
  process.exitCode = errors.length === 0 ? 0 : 1;
}
