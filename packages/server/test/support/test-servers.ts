// Servers a test file starts, closed after each test (and fake timers undone), so that a failing
// test leaves nothing listening.
import { afterEach, vi } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing.ts';

/** Registers the clean-up; returns the function that starts (and tracks) a server. */
export function trackedTestServers(): (
  options?: Parameters<typeof startTestServer>[0],
) => Promise<TestServer> {
  let servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
    vi.useRealTimers();
  });
  return async (options = {}) => {
    const server = await startTestServer(options);
    // Closed once, whether the test closes it itself (to test a restart or a drain) or not.
    let closing: Promise<void> | undefined;
    const close = server.close.bind(server);
    server.close = () => {
      closing ??= close();
      return closing;
    };
    servers.push(server);
    return server;
  };
}
