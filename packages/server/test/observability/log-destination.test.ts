// The request log's destination: pino.destination, written asynchronously as composition.ts
// configures it, with the sonic-boom patch (patches/sonic-boom@4.2.1.patch: each pending chunk's
// byte length kept beside it instead of measured at every write, and a string written whole
// released without a copy). Whatever the patch changes, every line must reach the file once, whole
// and in order: across chunk boundaries, with multi-byte characters, with writes in flight, and when
// flushed synchronously at exit.
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createLogDestination,
  LOG_BATCH_BYTES,
  LOG_BATCH_MS,
} from '../../src/observability/log-destination.ts';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function destination(options: { maxWrite?: number; minLength?: number } = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'log-destination-'));
  directories.push(directory);
  const file = join(directory, 'log');
  const stream = pino.destination({ dest: file, sync: false, maxLength: 16 * 1024 * 1024, ...options });
  await once(stream, 'ready');
  return { stream, file };
}

/** Lines of every width: ASCII, 2-byte, 3-byte (CJK) and 4-byte (emoji) characters, short and long. */
function lines(count: number): string[] {
  const pieces = ['plain ascii', 'ünïcödé', '招待を送る', '🎮🕹️👾', 'x'.repeat(700), '邀请'.repeat(150)];
  return Array.from({ length: count }, (_, i) => `${i} ${pieces[i % pieces.length]} ${'.'.repeat(i % 17)}\n`);
}

/** Ends the stream (pino does on exit) once everything written has gone out. */
async function ended(stream: ReturnType<typeof pino.destination>) {
  const closed = once(stream, 'close');
  stream.end();
  await closed;
}

describe('request log destination (sonic-boom, patched)', () => {
  it.each([
    { condition: 'while writes are in flight (default 16 KiB chunks)', count: 2000, maxWrite: undefined },
    // Some lines are longer than a chunk; each of those goes out as a chunk of its own.
    {
      condition: 'across chunk boundaries when chunks are small (maxWrite 256 bytes)',
      count: 600,
      maxWrite: 256,
    },
  ])(
    'writes $count lines of mixed widths once each, whole and in order, $condition',
    async ({ count, maxWrite }) => {
      const { stream, file } = await destination(maxWrite === undefined ? {} : { maxWrite });
      const expected = lines(count);
      for (const line of expected) stream.write(line);
      await ended(stream);
      expect(await readFile(file, 'utf8')).toBe(expected.join(''));
    },
  );

  it('writes what is still pending when flushed synchronously, as pino does at exit', async () => {
    // Held back by minLength, so that no asynchronous write is in flight when flushSync runs: one
    // that is would land whenever its thread finishes, before or after the synchronous writes.
    const minLength = 8192;
    const { stream, file } = await destination({ minLength });
    const expected = lines(20);
    expect(Buffer.byteLength(expected.join(''))).toBeLessThan(minLength);
    for (const line of expected) stream.write(line);
    expect(await readFile(file, 'utf8')).toBe('');
    stream.flushSync();
    expect(await readFile(file, 'utf8')).toBe(expected.join(''));
    // Writing goes on normally after a synchronous flush.
    const more = lines(50).map((line) => `after ${line}`);
    for (const line of more) stream.write(line);
    await ended(stream);
    expect(await readFile(file, 'utf8')).toBe([...expected, ...more].join(''));
  });
});

describe('the service log destination (createLogDestination)', () => {
  afterEach(() => vi.useRealTimers());

  async function serviceDestination() {
    const directory = await mkdtemp(join(tmpdir(), 'log-destination-'));
    directories.push(directory);
    const file = join(directory, 'log');
    const stream = createLogDestination(file);
    await once(stream, 'ready');
    return { stream, file };
  }

  it(`holds lines under ${LOG_BATCH_BYTES} bytes until ${LOG_BATCH_MS} ms have passed, then writes them together`, async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { stream, file } = await serviceDestination();
    const expected = lines(5);
    for (const line of expected) stream.write(line);
    expect(await readFile(file, 'utf8')).toBe('');
    vi.advanceTimersByTime(LOG_BATCH_MS);
    await vi.waitFor(async () => expect(await readFile(file, 'utf8')).toBe(expected.join('')));
    await ended(stream);
  });

  it(`writes as soon as ${LOG_BATCH_BYTES} bytes have gathered, without waiting for the timer`, async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { stream, file } = await serviceDestination();
    const expected = lines(40);
    expect(Buffer.byteLength(expected.join(''))).toBeGreaterThan(LOG_BATCH_BYTES);
    for (const line of expected) stream.write(line);
    await vi.waitFor(async () =>
      expect(Buffer.byteLength(await readFile(file, 'utf8'))).toBeGreaterThanOrEqual(LOG_BATCH_BYTES),
    );
    // The rest goes with the timer, or at the end; every line once, in order.
    await ended(stream);
    expect(await readFile(file, 'utf8')).toBe(expected.join(''));
  });
});
