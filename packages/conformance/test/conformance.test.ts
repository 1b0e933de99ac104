// The conformance suite: every case against both implementations of the contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileCases } from '../cases/hostile.ts';
import { allCases } from '../cases/index.ts';
import type { ConformanceCase, Expectation, TargetName } from '../src/case.ts';
import { loadContract } from '../src/contract.ts';
import { plannedRoute, runCase } from '../src/run.ts';
import { startMockTarget, startServerTarget, type Target } from '../src/targets.ts';

const contract = loadContract();
// The contract's cases, and the hostile-input corpus (cases/hostile.ts).
const cases = [...allCases(contract), ...hostileCases];

// The server twice, on each of its stores: both must hold to the contract, case for case.
const targets: Array<{ label: string; name: TargetName; start: () => Promise<Target> }> = [
  { label: 'server', name: 'server', start: () => startServerTarget('sqlite') },
  { label: 'server on Redis', name: 'server', start: () => startServerTarget('redis') },
  { label: 'mock', name: 'mock', start: startMockTarget },
];

function outcome(expectation: Expectation): string {
  const parts = [String(expectation.status), expectation.errorCode ?? expectation.throttled?.limitType ?? ''];
  if (expectation.headers) parts.push(`with ${Object.keys(expectation.headers).join(', ')} checked`);
  return parts.filter(Boolean).join(' ');
}

/** "server: rejects 17 invitees with 400 RequestValidationError", and for a declared exception
 * "mock: rejects an expired credential with 401 AuthenticationError → 204 instead, because ...". */
function testName(target: TargetName, testCase: ConformanceCase): string {
  let name = `${target}: ${testCase.title} with ${outcome(testCase.expect)}`;
  const exception = testCase.exceptions?.[target];
  if (exception) name += ` → ${outcome(exception.instead)} instead, because ${exception.reason}`;
  if (target === 'mock' && testCase.degraded) {
    name += ` [Prism, which cannot be degraded, asked for it with Prefer: code=${testCase.expect.status}]`;
  } else if (target === 'server' && testCase.request.wire) {
    name += ' [sent to the server directly, over a raw socket]';
  } else if (target === 'server' && plannedRoute(contract, testCase.request) === 'direct') {
    name += ' [sent to the server directly: a Prism proxy would not forward this body byte for byte]';
  }
  return name;
}

describe.each(targets)('$label', ({ label, name, start }) => {
  let target: Target;
  beforeAll(async () => {
    target = await start();
  });
  afterAll(async () => {
    await target?.close();
  });
  afterAll(() => {
    // The report's record of what this target was excused from, and why (test names say it too,
    // but reporters shorten them).
    const excused = cases.filter((testCase) => testCase.exceptions?.[name]);
    const direct =
      name === 'server'
        ? cases.filter((testCase) => plannedRoute(contract, testCase.request) === 'direct')
        : [];
    const lines = [
      `${label}: ${cases.length} cases, ${excused.length} with a declared exception` +
        (name === 'server' ? `, ${direct.length} sent past the validating proxies` : ''),
      ...excused.map((testCase) => `  excused: ${testName(name, testCase)}`),
      ...direct.map((testCase) => `  direct: ${testName(name, testCase)}`),
    ];
    console.warn(lines.join('\n'));
  });

  it.each(cases.map((testCase) => ({ testCase, title: testName(name, testCase) })))(
    '$title',
    async ({ testCase }) => {
      const result = await runCase(contract, target, testCase);
      expect(result.problems, `${target.description}\nroute: ${result.route}`).toEqual([]);
    },
  );
});
