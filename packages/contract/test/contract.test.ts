import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { browserAccess, parseContract, readContract, specPath } from '../src/index.ts';

describe('readContract', () => {
  it('parses spec/openapi.yaml to the same document as the yaml package', () => {
    const contract = readContract();
    expect(contract.path).toBe(specPath);
    expect(contract.document).toStrictEqual(parse(contract.text));
  });

  it('reads the file once per process: a second call returns the same contract', () => {
    expect(readContract()).toBe(readContract());
  });

  it('shares a frozen document and hands out independent mutable copies', () => {
    const contract = readContract();
    expect(Object.isFrozen(contract.document)).toBe(true);
    const copy = contract.copy();
    (copy.info as { title: string }).title = 'changed';
    expect(contract.copy().info).not.toHaveProperty('title', 'changed');
  });

  it('lists every operation with its method, path, security and resolved parameters', () => {
    const send = readContract().operations.find((operation) => operation.operationId === 'sendServerInvite');
    expect(send).toMatchObject({
      method: 'POST',
      pathTemplate: '/titles/{titleId}/invites/server',
      secured: true,
    });
    expect(send?.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toContain(
      'path:titleId',
    );
    expect(send?.parameters.find((parameter) => parameter.name === 'titleId')?.schema).toHaveProperty(
      'type',
      'integer',
    );
    const health = readContract().operations.find((operation) => operation.operationId === 'getHealth');
    expect(health).toMatchObject({ method: 'GET', secured: false });
  });
});

describe('parseContract', () => {
  it('takes an operation security of [] as unsecured and the document security otherwise', () => {
    const contract = parseContract(`
openapi: 3.0.3
info: { title: t, version: '1' }
security: [{ auth: [] }]
paths:
  /a:
    get: { operationId: a, responses: { '200': { description: ok } } }
  /b:
    get: { operationId: b, security: [], responses: { '200': { description: ok } } }
`);
    expect(contract.operations.map((operation) => [operation.operationId, operation.secured])).toStrictEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('refuses a dangling reference, naming it', () => {
    const text = `
openapi: 3.0.3
info: { title: t, version: '1' }
paths:
  /a:
    get:
      operationId: a
      parameters: [{ $ref: '#/components/parameters/Missing' }]
      responses: { '200': { description: ok } }
`;
    expect(() => parseContract(text)).toThrow('unresolvable $ref #/components/parameters/Missing');
  });
});

describe('browserAccess (what a page on another origin may send and read)', () => {
  const access = browserAccess(readContract());

  it('allows the methods of the operations, and every request header the contract uses, Prefer included', () => {
    expect(access.methods).toEqual(['GET', 'POST', 'PUT', 'DELETE']);
    expect(access.requestHeaders).toEqual([
      'Authorization',
      'Content-Type',
      'x-xbl-contract-version',
      'X-Request-Id',
      'Idempotency-Key',
      'Last-Event-ID',
      'Prefer',
    ]);
  });

  it('exposes every response header the contract documents, and Allow (405)', () => {
    expect([...access.exposedHeaders].sort()).toEqual(
      [
        'Allow',
        'Cache-Control',
        'RateLimit',
        'RateLimit-Policy',
        'Retry-After',
        'WWW-Authenticate',
        'X-Request-Id',
      ].sort(),
    );
  });

  it('follows the contract: a header added to a response or a parameter is allowed without another list', () => {
    const text = readContract().text.replace(
      '      operationId: getHealth\n',
      '      operationId: getHealth\n      parameters:\n        - { name: X-Trace, in: header, schema: { type: string, maxLength: 8 } }\n',
    );
    const variant = browserAccess(
      parseContract(
        text.replace(
          '        "200":\n          description: The process is alive.\n          headers:\n',
          '        "200":\n          description: The process is alive.\n          headers:\n            Cache-Status:\n              schema: { type: string, maxLength: 64 }\n',
        ),
      ),
    );
    expect(variant.requestHeaders).toContain('X-Trace');
    expect(variant.exposedHeaders).toContain('Cache-Status');
  });
});
