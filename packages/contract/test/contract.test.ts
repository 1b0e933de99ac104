import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseContract, readContract, specPath } from '../src/index.ts';

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
