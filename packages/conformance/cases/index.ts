// Every conformance case: the case files, plus one case per request example of the contract.
import type { ConformanceCase } from '../src/case.ts';
import type { Contract } from '../src/contract.ts';
import { capacityCases } from './capacity.ts';
import { invite } from './common.ts';
import { credentialCases } from './credentials.ts';
import { degradedCases } from './degraded.ts';
import { deliveryCases } from './delivery.ts';
import { idempotencyCases } from './idempotency.ts';
import { probeCases } from './probes.ts';
import { sendServerInviteCases } from './send-server-invite.ts';
import { streamCases } from './stream.ts';
import { throttlingCases } from './throttling.ts';

/** The spec's sendServerInvite request examples, each a case that must be accepted. */
export function exampleCases(contract: Contract): ConformanceCase[] {
  const pathItem = (contract.document.paths as Record<string, Record<string, unknown>>)[
    '/titles/{titleId}/invites/server'
  ];
  const operation = pathItem?.post as { requestBody?: { content?: Record<string, { examples?: object }> } };
  const examples = operation?.requestBody?.content?.['application/json']?.examples ?? {};
  return Object.entries(examples as Record<string, { summary?: string; value: unknown }>).map(
    ([name, example]) => ({
      title: `accepts the spec's example "${name}" (${example.summary ?? 'no summary'})`,
      request: invite(example.value),
      expect: { status: 204 },
    }),
  );
}

export function allCases(contract: Contract): ConformanceCase[] {
  return [
    ...exampleCases(contract),
    ...sendServerInviteCases,
    ...idempotencyCases,
    ...credentialCases,
    ...throttlingCases,
    ...capacityCases,
    ...probeCases,
    ...deliveryCases,
    ...streamCases,
    ...degradedCases,
  ];
}
