// The load generator's process: autocannon, driven over IPC by the bench (src/load.ts), so that
// load generation never shares an event loop with the bench's own bookkeeping or with a target.
import autocannon from 'autocannon';
import type { LoadJob, LoadResult } from './load.ts';
import { percentile, SampleBuffer } from './stats.ts';

async function run(job: LoadJob): Promise<LoadResult> {
  const latencies = new SampleBuffer();
  let finish: (error: unknown, result: autocannon.Result) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const options: autocannon.Options = {
    url: job.url,
    method: job.method,
    headers: job.headers,
    ...(job.body === undefined ? {} : { body: job.body }),
    connections: job.connections,
    pipelining: 1,
    duration: job.durationSeconds,
    ...(job.amount === undefined ? {} : { amount: job.amount }),
    ...(job.distinctSenders && {
      requests: [{ setupRequest: distinctSender(job.distinctSenders, job.body ?? '') }],
    }),
    timeout: 10,
  };
  const instance = autocannon(options, (error, result) => finish(error, result));
  // autocannon's own histogram keeps whole milliseconds; sub-millisecond latencies need the raw times.
  instance.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  const result = await done;
  const samples = latencies.values();
  const completed = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    requests: completed,
    durationSeconds: result.duration,
    requestsPerSecond: completed / result.duration,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
    ),
  };
}

/** Rewrites each request's body with the next sender of a run of distinct XUIDs. */
function distinctSender(
  { placeholder, firstSender }: NonNullable<LoadJob['distinctSenders']>,
  body: string,
): (request: autocannon.Request) => autocannon.Request {
  const [before, after] = body.split(placeholder) as [string, string];
  let next = BigInt(firstSender);
  return (request) => {
    request.body = `${before}${next}${after}`;
    next += 1n;
    return request;
  };
}

process.on('message', (message: { id: number; job: LoadJob }) => {
  run(message.job).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
