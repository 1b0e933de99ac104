// The bound series answer a scrape exactly as prom-client's own Counter and Histogram do for the
// same updates: the text and the JSON, in both exposition formats, and after a reset.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundCounter, BoundHistogram } from '../../src/observability/bound-series.ts';

const BUCKETS = [0.001, 0.01, 0.1, 1, 30];
// On a bound, between bounds, below the first, above the last, zero; and label values to escape.
const OBSERVATIONS: [Record<string, string>, number][] = [
  [{ operation: 'sendServerInvite', status_class: '2xx' }, 0.0005],
  [{ operation: 'sendServerInvite', status_class: '2xx' }, 0.001],
  [{ operation: 'sendServerInvite', status_class: '2xx' }, 0.05],
  [{ operation: 'sendServerInvite', status_class: '4xx' }, 31],
  [{ operation: 'sendServerInvite', status_class: '4xx' }, 0],
  [{ operation: 'with "quotes" \\ and\nnewline', status_class: '5xx' }, 1],
];

function both(openMetrics = false) {
  const theirs = new Registry();
  const ours = new Registry();
  if (openMetrics) {
    theirs.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
    ours.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
  }
  const labelNames = ['operation', 'status_class'];
  const histogram = new Histogram({
    name: 'latency_seconds',
    help: 'Latency.',
    labelNames,
    buckets: BUCKETS,
    registers: [theirs],
  });
  const counter = new Counter({ name: 'answered_total', help: 'Answered.', labelNames, registers: [theirs] });
  const plain = new Counter({ name: 'plain_total', help: 'No labels.', registers: [theirs] });
  const boundHistogram = new BoundHistogram({
    name: 'latency_seconds',
    help: 'Latency.',
    labelNames,
    buckets: BUCKETS,
    registry: ours,
  });
  const boundCounter = new BoundCounter({
    name: 'answered_total',
    help: 'Answered.',
    labelNames,
    registry: ours,
  });
  const boundPlain = new BoundCounter({ name: 'plain_total', help: 'No labels.', registry: ours }).bind();
  for (const [labels, value] of OBSERVATIONS) {
    histogram.observe(labels, value);
    counter.inc(labels);
    boundHistogram.bind(labels).observe(value);
    boundCounter.bind(labels).value += 1;
  }
  plain.inc(7);
  boundPlain.value += 7;
  return { theirs, ours };
}

describe('bound series (bound-series.ts)', () => {
  it.each([
    ['Prometheus text', false],
    ['OpenMetrics', true],
  ])('expose exactly what prom-client exposes for the same updates (%s)', async (_format, openMetrics) => {
    const { theirs, ours } = both(openMetrics);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // The same values and labels; prom-client also lists exemplars, which these never have.
    const withoutExemplars = (json: unknown) =>
      JSON.parse(JSON.stringify(json, (key, value) => (key === 'exemplar' ? undefined : value)));
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(
      withoutExemplars(await theirs.getMetricsAsJSON()),
    );
  });

  it('are back at 0 after a reset, and keep counting on the same bound series', async () => {
    const { theirs, ours } = both();
    theirs.resetMetrics();
    ours.resetMetrics();
    // prom-client forgets its series on reset; bound ones stay, at 0.
    expect(await ours.metrics()).toMatch(
      /^answered_total\{operation="sendServerInvite",status_class="2xx"\} 0$/m,
    );
    expect(await ours.metrics()).toMatch(
      /^latency_seconds_count\{operation="sendServerInvite",status_class="4xx"\} 0$/m,
    );
    expect(await ours.metrics()).toMatch(/^plain_total 0$/m);
  });

  it('bind a series once: binding the same labels again gives the same series', () => {
    const registry = new Registry();
    const counter = new BoundCounter({ name: 'c_total', help: 'C.', labelNames: ['a'], registry });
    const first = counter.bind({ a: 'x' });
    first.value += 2;
    expect(counter.bind({ a: 'x' })).toBe(first);
    expect(counter.bind({ a: 'y' })).not.toBe(first);
  });
});
