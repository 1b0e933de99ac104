// `pnpm mock [--dynamic] [--seed <seed>] [--port <port>]`: serves spec/openapi.yaml with Prism.
// Port: --port, else MOCK_PORT, else 4010. Host: MOCK_HOST, else 127.0.0.1.
import { parseArgs } from 'node:util';
import { startMock } from './prism.ts';

const usage = `usage: pnpm mock [--dynamic] [--seed <seed>] [--port <port>]
  --dynamic  generate response data from the schemas instead of serving the spec's examples
  --seed     with --dynamic, make the generated data repeatable
  --port     port to listen on (default: MOCK_PORT, else 4010)`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let values: { dynamic?: boolean; seed?: string; port?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      dynamic: { type: 'boolean', short: 'd' },
      seed: { type: 'string' },
      port: { type: 'string', short: 'p' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.warn(usage);
  process.exit(0);
}
const portText = values.port ?? process.env.MOCK_PORT ?? '4010';
const port = Number(portText);
if (!/^[0-9]+$/.test(portText) || port > 65_535) fail(`the port must be 0..65535, got "${portText}"`);
if (values.seed !== undefined && !values.dynamic) fail('--seed only applies with --dynamic');

const mock = await startMock({
  port,
  host: process.env.MOCK_HOST ?? '127.0.0.1',
  dynamic: values.dynamic ?? false,
  ...(values.seed !== undefined && { seed: values.seed }),
  onLog: (line) => process.stdout.write(`${line}\n`),
}).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

console.warn(
  `mock: serving spec/openapi.yaml on ${mock.url} (${values.dynamic ? 'generated data' : "the spec's examples"}); Ctrl-C stops it`,
);

// Ctrl-C reaches this process twice (from the terminal, and passed on by pnpm, which may follow
// with SIGTERM): the first stops the mock and exits 0, later ones are ignored. A listener stays in
// place for them, since without one Node's default action would end the process by the signal,
// and pnpm would report that as a failed command.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void mock.close().then(() => process.exit(0));
  });
}
void mock.exited.then((code) => {
  if (stopping) return;
  console.error(`mock: Prism exited unexpectedly (code ${code})`);
  process.exit(code || 1);
});
