// The suite tested on a deliberately broken server (test/fixtures/broken-server.ts): each of its
// three breaks must fail the case that meets it, both by the suite's own checks (requests sent
// straight to it) and by the validating Prism proxy in front of it.
import type { PrismInstance } from '@server-invites/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCases } from '../cases/index.ts';
import type { ConformanceCase } from '../src/case.ts';
import { loadContract } from '../src/contract.ts';
import { runCase } from '../src/run.ts';
import { type Target, type TargetInstance, tightLimits, withValidatingProxies } from '../src/targets.ts';
import { type BrokenServer, startBrokenServer } from './fixtures/broken-server.ts';

const contract = loadContract();
const cases = allCases(contract);
const byTitle = (title: string): ConformanceCase => {
  const found = cases.find((testCase) => testCase.title === title);
  if (!found) throw new Error(`no case titled "${title}"`);
  return found;
};

const breaks = [
  {
    name: 'answers 200 instead of 204',
    testCase: byTitle('accepts 1 invitee (the minimum)'),
    // By the suite's checks, and by Prism's (--errors turns the response into its 500).
    direct: [/status 200 is not documented for sendServerInvite/],
    proxied: [
      /prism proxy: response: Unable to match the returned status code/,
      /status 500 where the case expects 204/,
    ],
  },
  {
    name: 'drops Retry-After from a 429',
    testCase: byTitle('throttles the invite over the burst limit'),
    direct: [/missing required header retry-after \(sendServerInvite 429\)/],
    proxied: [/prism proxy: response\.header: Response header must have required property 'retry-after'/],
  },
  {
    name: 'returns an undocumented error shape',
    testCase: byTitle('rejects 17 invitees'),
    direct: [
      /body \(sendServerInvite 400\) does not match the contract: must have required property 'errorCode'/,
      /must NOT have additional properties \(error\)/,
      /errorCode undefined where the case expects RequestValidationError/,
    ],
    proxied: [/prism proxy: response\.body: Response body must have required property 'errorCode'/],
  },
];

describe('the suite against a deliberately broken server', () => {
  let broken: BrokenServer;
  let proxies: PrismInstance[] = [];
  let proxied: TargetInstance;
  // Each test gets a fresh broken server state by using its own sender; the burst counter is per sender.
  const credential: TargetInstance['credential'] = async () => 'XBL3.0 x=-;broken-server-accepts-any-token';
  const target = (instance: TargetInstance): Target => ({
    name: 'server',
    description: 'the deliberately broken server',
    general: instance,
    throttling: instance,
    degraded: instance,
    keepsState: true,
    close: async () => {},
  });

  beforeAll(async () => {
    broken = await startBrokenServer(tightLimits.burst.limit);
    ({ instance: proxied, proxies } = await withValidatingProxies(broken.url, tightLimits, credential));
  });
  afterAll(async () => {
    await Promise.allSettled(proxies.map((proxy) => proxy.close()));
    await broken?.close();
  });

  it.each(breaks)('catches a server that $name (own checks, request sent directly)', async (brokenCase) => {
    const direct = { url: broken.url, limits: tightLimits, credential };
    const { problems } = await runCase(contract, target(direct), brokenCase.testCase);
    for (const pattern of brokenCase.direct) expect(problems.join('\n')).toMatch(pattern);
  });

  it.each(breaks)('catches a server that $name (through a validating prism proxy)', async (brokenCase) => {
    // The throttling case sends its setup through the proxy too; the broken server counts per
    // sender and title, so the direct run above used up this sender: use another title.
    const testCase = structuredClone(brokenCase.testCase);
    testCase.request.path = testCase.request.path.replace(/\/titles\/[0-9]+\//, '/titles/7/');
    const { problems, route } = await runCase(contract, target(proxied), testCase);
    expect(route).not.toBe('direct');
    for (const pattern of brokenCase.proxied) expect(problems.join('\n')).toMatch(pattern);
  });

  it('passes the cases the broken server gets right (the checks do not cry wolf)', async () => {
    const right = [
      byTitle('rejects a request without Authorization'),
      byTitle('answers an unknown path'),
      byTitle('answers GET on the invite route'),
    ];
    for (const testCase of right) {
      const { problems } = await runCase(
        contract,
        target({ url: broken.url, limits: tightLimits, credential }),
        testCase,
      );
      expect(problems, testCase.title).toEqual([]);
    }
  });
});
