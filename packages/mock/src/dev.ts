// `pnpm dev`: the real server (`pnpm start`, PORT or 3000) and the mock (MOCK_PORT or 4010)
// together. Ctrl-C (or SIGTERM) stops both; if either stops on its own, the other is stopped too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMock } from './prism.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

// Its own process group, so that stopping it reaches `pnpm start` and the node process under it.
const server = spawn('pnpm', ['--silent', 'start'], { cwd: root, stdio: 'inherit', detached: true });
let stopping = false;

function stopServer(): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null || server.pid === undefined)
    return Promise.resolve();
  const group = -server.pid;
  return new Promise((resolve) => {
    const killer = setTimeout(() => process.kill(group, 'SIGKILL'), 15_000);
    server.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    process.kill(group, 'SIGTERM');
  });
}

const mock = await startMock({
  port: Number(process.env.MOCK_PORT ?? 4010),
  host: process.env.MOCK_HOST ?? '127.0.0.1',
  onLog: (line) => process.stdout.write(`mock | ${line}\n`),
}).catch(async (error: unknown) => {
  console.error(`dev: the mock did not start: ${error instanceof Error ? error.message : String(error)}`);
  await stopServer();
  process.exit(1);
});
console.warn(
  `dev: mock on ${mock.url}; server on http://127.0.0.1:${process.env.PORT ?? 3000}; Ctrl-C stops both`,
);

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all([mock.close(), stopServer()]);
  process.exit(code);
}

// Ctrl-C comes twice or more (the terminal's, and pnpm's passed on): the first stops both and exits
// 0; a listener stays in place for the others, which Node's default action would turn into a death
// by signal that pnpm reports as a failed command.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));
server.once('exit', (code) => {
  if (stopping) return;
  console.error(`dev: the server stopped (code ${code}); stopping the mock`);
  void stopAll(code || 1);
});
void mock.exited.then((code) => {
  if (stopping) return;
  console.error(`dev: the mock stopped (code ${code}); stopping the server`);
  void stopAll(code || 1);
});
