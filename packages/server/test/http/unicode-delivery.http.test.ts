// Any connection string the contract allows is accepted and delivered intact, its activationUri
// within the contract's bound; a lone UTF-16 surrogate is refused, as the contract says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract.ts';
import { activationUri, type Invite } from '../../src/invites/invite.ts';
import { startTestServer, type TestServer } from '../../src/testing.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';

const USER = '2814613569642996';
const MAX_XUID = '18446744073709551615';

function activationUriMaxLength(): number {
  const schemas = loadContract().document().components?.schemas as Record<
    string,
    { properties: Record<string, { maxLength: number }> }
  >;
  const maxLength = schemas.Invite?.properties.activationUri?.maxLength;
  if (maxLength === undefined) throw new Error('Invite.activationUri has no maxLength');
  return maxLength;
}

describe('activationUri', () => {
  it("is exactly as long as the contract's maxLength for the largest input (512 astral characters, widest ids)", () => {
    const invite: Invite = {
      id: '00000000-0000-4000-8000-000000000000',
      titleId: 0xffffffff,
      sender: MAX_XUID,
      invitedUser: MAX_XUID,
      connectionString: '\u{10FFFF}'.repeat(512),
      createdAtMs: 0,
      expiresAtMs: 0,
    };
    expect(activationUri(invite).length).toBe(activationUriMaxLength());
  });
});

describe('connection strings over HTTP, with response validation on', () => {
  let server: TestServer;
  let user: string;
  beforeAll(async () => {
    server = await startTestServer({ throttle: { burst: { limit: 1000, windowSeconds: 15 } } });
    user = await server.userCredential(USER);
    const registered = await fetch(`${server.url}/users/${USER}/endpoints/console`, {
      method: 'PUT',
      headers: { authorization: user, 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'Scarlett' }),
    });
    expect(registered.status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    ['350 × é (the issue: its activationUri exceeded 2048)', 'é'.repeat(350)],
    ['512 CJK characters', '邀'.repeat(512)],
    ['512 emoji (1024 UTF-16 code units)', '😀'.repeat(512)],
    ['512 control characters', '\u0000\u0001\u001f\u007f\u0085\u2028\u2029\t'.repeat(64)],
  ])('delivers %s unchanged, and its activationUri decodes to it', async (_name, connectionString) => {
    const sent = await callInvite(server.url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      body: { invitedUsers: [USER], sender: SENDER, connectionString },
    });
    expect(sent.status, sent.text).toBe(204);
    const response = await fetch(`${server.url}/users/${USER}/endpoints/console/invites`, {
      headers: { authorization: user },
    });
    expect(response.status).toBe(200);
    const { invites } = (await response.json()) as {
      invites: Array<{ id: string; connectionString: string; activationUri: string }>;
    };
    expect(invites).toHaveLength(1);
    const [invite] = invites;
    expect(invite?.connectionString).toBe(connectionString);
    expect(new URL(invite?.activationUri ?? '').searchParams.get('connectionString')).toBe(connectionString);
    const ack = await fetch(`${server.url}/users/${USER}/endpoints/console/invites/${invite?.id}`, {
      method: 'DELETE',
      headers: { authorization: user },
    });
    expect(ack.status).toBe(204);
  });

  it.each([
    ['a lone high surrogate', '"a\\ud800b"'],
    ['a lone low surrogate', '"a\\udc00b"'],
    ['a reversed pair', '"\\ude00\\ud83d"'],
  ])('refuses %s with 400 RequestValidationError', async (_name, jsonString) => {
    const sent = await callInvite(server.url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      rawBody: `{"invitedUsers":["${USER}"],"sender":"${SENDER}","connectionString":${jsonString}}`,
    });
    expect(sent.status).toBe(400);
    expect(sent.body?.errorCode).toBe('RequestValidationError');
  });
});
