import type { SendServerInviteRequest } from '@server-invites/types';

export const TITLE_ID = 1827805096;
export const SENDER = '2533274792693551';
export const INVITEE = '2814613569642996';

export const validInvite: SendServerInviteRequest = { invitedUsers: [INVITEE], sender: SENDER };

export interface InviteCall {
  titleId?: number | string;
  body?: unknown;
  /** A raw body, sent as is (for malformed JSON). */
  rawBody?: string;
  authorization?: string;
  headers?: Record<string, string>;
  method?: string;
}

/** Sends POST /titles/{titleId}/invites/server over real HTTP; returns status, headers, parsed body. */
export async function callInvite(baseUrl: string, call: InviteCall) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...call.headers };
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  const response = await fetch(`${baseUrl}/titles/${call.titleId ?? TITLE_ID}/invites/server`, {
    method: call.method ?? 'POST',
    headers,
    body: call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}
