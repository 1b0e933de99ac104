// The case data checked against the contract it is derived from: statuses and error codes are the
// documented ones, valid requests are valid and invalid ones invalid, and every constraint of the
// sendServerInvite request has a case that breaks it.
import { errorCodes, platforms } from '@server-invites/types';
import { describe, expect, it } from 'vitest';
import { allCases } from '../cases/index.ts';
import type { CaseRequest, ConformanceCase } from '../src/case.ts';
import { loadContract } from '../src/contract.ts';
import { requestViolations, type Violation } from '../src/request.ts';
import { buildRequest } from '../src/run.ts';

const contract = loadContract();
const cases = allCases(contract);

function violations(request: CaseRequest): Violation[] {
  // The runner's own request builder; the credential's value plays no part in these checks.
  return requestViolations(
    contract,
    buildRequest(request, request.credential ? 'XBL3.0 x=-;placeholder' : undefined),
  );
}

const operationOf = (testCase: ConformanceCase) => {
  const route = contract.route(testCase.request.method, testCase.request.path.split('?')[0] ?? '');
  return route.kind === 'operation' ? route.operation : undefined;
};

const bug = 'a correct server never answers 500 (any 500 is a bug the suite would report)';

/**
 * The documented responses no request sequence reaches on a correct server, each with why. A case
 * that exercises one must take it off this list (the test below fails until it does).
 */
const unreachable = new Map<string, string>([
  ['sendServerInvite 500', bug],
  ['registerEndpoint 500', bug],
  ['unregisterEndpoint 500', bug],
  ['receiveInvites 500', bug],
  ['receiveInviteStream 500', bug],
  ['acknowledgeInvite 500', bug],
]);

describe('the conformance cases', () => {
  it('have unique titles', () => {
    const titles = cases.map((testCase) => testCase.title);
    expect(titles.filter((title, index) => titles.indexOf(title) !== index)).toEqual([]);
  });

  it.each(
    cases.filter((testCase) => testCase.exceptions).map((testCase) => ({ testCase, title: testCase.title })),
  )('declare each target exception of "$title" with a reason and a different outcome', ({ testCase }) => {
    for (const exception of Object.values(testCase.exceptions ?? {})) {
      expect(exception.reason.length).toBeGreaterThan(20);
      expect(exception.instead).not.toEqual(testCase.expect);
    }
  });

  it('expect only statuses the contract documents, and documented error codes', () => {
    const wrong: string[] = [];
    for (const testCase of cases) {
      const { status, errorCode } = testCase.expect;
      if (errorCode !== undefined && !errorCodes.includes(errorCode))
        wrong.push(`${testCase.title}: ${errorCode}`);
      const operation = operationOf(testCase);
      if (!operation) {
        if (status !== 404 && status !== 405)
          wrong.push(`${testCase.title}: ${status} outside any operation`);
        continue;
      }
      if (!operation.responses.has(String(status)))
        wrong.push(`${testCase.title}: ${status} for ${operation.operationId}`);
    }
    expect(wrong).toEqual([]);
  });

  it('exercise every response the contract documents, for every operation, but those no request reaches', () => {
    const exercised = new Set(
      cases.flatMap((testCase) => {
        const operation = operationOf(testCase);
        return operation ? [`${operation.operationId} ${testCase.expect.status}`] : [];
      }),
    );
    const documented = contract.operations.flatMap((operation) =>
      [...operation.responses.keys()].map((status) => `${operation.operationId} ${status}`),
    );
    expect(documented.filter((response) => !exercised.has(response) && !unreachable.has(response))).toEqual(
      [],
    );
    // The list only shrinks: a pair a case now exercises, or one no longer documented, leaves it.
    expect([...unreachable.keys()].filter((response) => exercised.has(response))).toEqual([]);
    expect([...unreachable.keys()].filter((response) => !documented.includes(response))).toEqual([]);
  });

  it('send requests the contract allows wherever they expect success', () => {
    const wrong = cases
      .filter((testCase) => testCase.expect.status < 300)
      .flatMap((testCase) =>
        violations(testCase.request).map((violation) => `${testCase.title}: ${violation.message}`),
      );
    expect(wrong).toEqual([]);
  });

  it('send requests the contract forbids wherever they expect RequestValidationError', () => {
    const wrong = cases
      .filter((testCase) => testCase.expect.errorCode === 'RequestValidationError')
      .filter((testCase) => violations(testCase.request).length === 0)
      .map((testCase) => testCase.title);
    expect(wrong).toEqual([]);
  });

  it('accept an invite for every platform', () => {
    const accepted = cases
      .filter(
        (testCase) =>
          operationOf(testCase)?.operationId === 'sendServerInvite' && testCase.expect.status === 204,
      )
      .map((testCase) => (testCase.request.json as { platform?: string } | undefined)?.platform);
    for (const platform of platforms) expect(accepted).toContain(platform);
  });

  it('break every constraint of the sendServerInvite request at least once', () => {
    const operation = contract.operation('sendServerInvite');
    const broken = new Set(
      cases
        .filter((testCase) => operationOf(testCase) === operation && testCase.expect.status >= 400)
        .flatMap((testCase) =>
          violations(testCase.request).map(({ where, keyword }) => `${where}:${keyword}`),
        ),
    );
    const constraints = sendServerInviteConstraints();
    expect(constraints.length).toBeGreaterThan(20);
    expect(constraints.filter((constraint) => !broken.has(constraint))).toEqual([]);
  });
});

/** Every constraint of the operation's parameters, body schema, media type and security. */
function sendServerInviteConstraints(): string[] {
  const document = contract.document as Record<string, unknown>;
  const resolve = (schema: unknown): Record<string, unknown> => {
    let current = schema as Record<string, unknown>;
    while (typeof current.$ref === 'string') {
      current = current.$ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document) as Record<
        string,
        unknown
      >;
    }
    if (Array.isArray(current.allOf)) {
      const { allOf, ...rest } = current;
      return Object.assign({}, ...(allOf as unknown[]).map(resolve), rest);
    }
    return current;
  };
  const scalarKeywords = [
    'type',
    'minItems',
    'maxItems',
    'minLength',
    'maxLength',
    'pattern',
    'enum',
    'minimum',
    'maximum',
  ];
  const walk = (schemaRef: unknown, where: string, textual: boolean): string[] => {
    const schema = resolve(schemaRef);
    const found = scalarKeywords
      .filter((keyword) => keyword in schema)
      // A header is text: it cannot fail `type: string`; nothing is shorter than 0.
      .filter((keyword) => !(textual && keyword === 'type' && schema.type === 'string'))
      .filter((keyword) => !((keyword === 'minLength' || keyword === 'minItems') && schema[keyword] === 0))
      .map((keyword) => `${where}:${keyword}`);
    for (const name of (schema.required as string[] | undefined) ?? [])
      found.push(`${where}:required:${name}`);
    if (schema.additionalProperties === false) found.push(`${where}:additionalProperties`);
    for (const [name, property] of Object.entries((schema.properties as Record<string, unknown>) ?? {})) {
      found.push(...walk(property, `${where}/${name}`, false));
    }
    if (schema.items) found.push(...walk(schema.items, `${where}/items`, false));
    return found;
  };
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  const operation = paths['/titles/{titleId}/invites/server']?.post ?? {};
  const constraints = ['security:required', 'content-type:enum', 'body:required'];
  for (const parameterRef of (operation.parameters as unknown[]) ?? []) {
    const parameter = resolve(parameterRef) as { in: string; name: string; schema: unknown };
    const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
    constraints.push(...walk(parameter.schema, `${parameter.in}/${name}`, true));
  }
  const body = operation.requestBody as { content: Record<string, { schema: unknown }> };
  constraints.push(...walk(body.content['application/json']?.schema, 'body', false));
  return constraints;
}
