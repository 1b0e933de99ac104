// Item 3 of the issue: is the first real request after readiness slow? Times the first invite
// request a freshly started process answers, then the next ones, one at a time on the connection
// the readiness probe opened.
import { type Agent, request } from 'node:http';
import { median } from './stats.ts';

export interface FirstRequestCheck {
  status: number;
  firstMs: number;
  /** The median of the requests after the first. */
  laterMedianMs: number;
}

export async function checkFirstRequest(
  url: string,
  agent: Agent,
  headers: Record<string, string>,
  body: string,
  later = 30,
): Promise<FirstRequestCheck> {
  const first = await timedPost(url, agent, headers, body);
  const times: number[] = [];
  for (let i = 0; i < later; i++) times.push((await timedPost(url, agent, headers, body)).ms);
  return { status: first.status, firstMs: first.ms, laterMedianMs: median(times) };
}

function timedPost(
  url: string,
  agent: Agent,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
