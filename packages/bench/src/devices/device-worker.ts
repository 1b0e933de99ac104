// A process of waiting devices for the devices scenario (devices.ts), driven over IPC. Each device
// is one connection that waits for its endpoint's invites as a real one does, by either transport:
// - poll: it long-polls, acknowledges what it receives, and polls again;
// - stream: it holds the endpoint's event stream open and reads its events (it acknowledges
//   nothing: a stream sends each invite once, and acknowledging would take a second connection).
// Refused (503), it waits Retry-After and asks again; cut, it reconnects.
// A process holds up to ~10,000 of them: its open files are limited like the service's.
import { connect, type Socket } from 'node:net';

export interface DeviceSpec {
  index: number;
  xuid: string;
  authorization: string;
}

export type Transport = 'poll' | 'stream';

export type WorkerRequest =
  | { type: 'connect'; port: number; waitSeconds: number; transport: Transport; devices: DeviceSpec[] }
  | { type: 'stats' }
  | { type: 'polling' }
  | { type: 'held'; index: number }
  | { type: 'close' };

export interface WorkerStats {
  /** Devices with a poll sent and not answered yet. */
  polling: number;
  /** Poll answers by status. */
  statuses: Record<string, number>;
  /** Connections the service closed or reset under a device (each reconnected). */
  cuts: number;
  /** Socket errors (refused, reset) while connecting or polling. */
  errors: number;
}

export type WorkerMessage =
  | { type: 'connected'; count: number }
  | { type: 'stats'; stats: WorkerStats }
  /** The devices waiting now (Device.waiting): held, or asking to be. */
  | { type: 'polling'; indexes: number[] }
  /** Whether this process's device `index` is held now (false if it has none such). */
  | { type: 'held'; index: number; held: boolean }
  /** A device received invites; `at`: process.hrtime.bigint() (shared by every process of the machine). */
  | { type: 'invited'; index: number; at: string; count: number };

const statuses: Record<string, number> = {};
let cuts = 0;
let errors = 0;
let polling = 0;
const devices: Device[] = [];
const byIndex = new Map<number, Device>();
/** A poll unanswered this long was admitted: the service answers a refusal at once. */
const HELD_AFTER_MS = 1000;

class Device {
  readonly spec: DeviceSpec;
  readonly port: number;
  readonly waitSeconds: number;
  readonly transport: Transport;
  #socket: Socket | undefined;
  /** A stream's body is being read (its head said 200). */
  #streaming = false;
  #buffer: Buffer = Buffer.alloc(0);
  /** What each response on the connection answers, in order. */
  #expecting: ('poll' | 'ack')[] = [];
  #closing = false;
  /** When the poll in flight was sent (performance.now()), if one is. */
  #pollSentAt: number | undefined;

  /** Its stream open, or a poll in flight (which the service may yet refuse). */
  get waiting(): boolean {
    return this.#streaming || this.#pollSentAt !== undefined;
  }

  /**
   * Held by the service, waiting for an invite, at `now`: its stream open (the head said 200), or
   * its poll unanswered for a while (a refusal comes within milliseconds) and not about to time out.
   * Only such a device is sent a wake-up: one whose request is refused (the room is full) waits its
   * Retry-After, and a stream refused may never find a place, every stream being held for its
   * whole lifetime.
   */
  held(now: number): boolean {
    if (this.transport === 'stream') return this.#streaming;
    if (this.#pollSentAt === undefined) return false;
    const waited = now - this.#pollSentAt;
    return waited >= HELD_AFTER_MS && waited <= this.waitSeconds * 1000 - HELD_AFTER_MS;
  }

  constructor(spec: DeviceSpec, port: number, waitSeconds: number, transport: Transport) {
    this.spec = spec;
    this.port = port;
    this.waitSeconds = waitSeconds;
    this.transport = transport;
  }

  get path() {
    return `/users/${this.spec.xuid}/endpoints/bench-device`;
  }

  open(onConnected?: () => void) {
    const socket = connect(this.port, '127.0.0.1');
    this.#socket = socket;
    this.#buffer = Buffer.alloc(0);
    this.#expecting = [];
    this.#streaming = false;
    socket.setNoDelay(true);
    socket.once('connect', () => {
      onConnected?.();
      this.poll();
    });
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', () => {
      errors += 1;
    });
    socket.once('close', () => {
      if (this.#expecting.includes('poll')) polling -= 1;
      this.#pollSentAt = undefined;
      this.#expecting = [];
      if (this.#closing) return;
      cuts += 1;
      setTimeout(() => this.open(), 1000);
    });
  }

  poll(acknowledge: string[] = []) {
    const head = (method: string, path: string) =>
      `${method} ${path} HTTP/1.1\r\nHost: bench\r\nAuthorization: ${this.spec.authorization}\r\n\r\n`;
    let text = '';
    for (const id of acknowledge) {
      text += head('DELETE', `${this.path}/invites/${id}`);
      this.#expecting.push('ack');
    }
    text +=
      this.transport === 'stream'
        ? head('GET', `${this.path}/invites/stream`)
        : head('GET', `${this.path}/invites?waitSeconds=${this.waitSeconds}`);
    this.#expecting.push('poll');
    polling += 1;
    this.#pollSentAt = performance.now();
    this.#socket?.write(text);
  }

  close() {
    this.#closing = true;
    this.#socket?.destroy();
  }

  #read(chunk: Buffer) {
    if (this.#streaming) {
      this.#streamed(chunk);
      return;
    }
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.#buffer.subarray(0, end).toString('latin1');
      if (this.transport === 'stream' && head.startsWith('HTTP/1.1 200')) {
        // The stream's head: from here on the connection carries its events, chunk by chunk.
        statuses[200] = (statuses[200] ?? 0) + 1;
        this.#streaming = true;
        const rest = this.#buffer.subarray(end + 4);
        this.#buffer = Buffer.alloc(0);
        if (rest.length > 0) this.#streamed(rest);
        return;
      }
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.#buffer.length < end + 4 + length) return;
      const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(end + 4 + length);
      const status = Number(head.slice(9, 12));
      const kind = this.#expecting.shift();
      if (kind !== 'poll') continue;
      this.#pollSentAt = undefined;
      polling -= 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      this.#answered(status, head, body);
    }
  }

  /**
   * Events of the stream: each is written whole in one chunk of the response, so an invite shows as
   * its `event: invite` line, whatever the chunked framing around it.
   */
  #streamed(chunk: Buffer) {
    const text = chunk.toString('latin1');
    let count = 0;
    for (let at = text.indexOf('event: invite'); at >= 0; at = text.indexOf('event: invite', at + 1))
      count += 1;
    if (count > 0) {
      process.send?.({
        type: 'invited',
        index: this.spec.index,
        at: String(process.hrtime.bigint()),
        count,
      } satisfies WorkerMessage);
    }
  }

  #answered(status: number, head: string, body: string) {
    if (/\r\nconnection: *close/i.test(head)) return; // the 'close' handler reconnects
    if (status === 200) {
      const { invites } = JSON.parse(body) as { invites: { id: string }[] };
      if (invites.length > 0) {
        process.send?.({
          type: 'invited',
          index: this.spec.index,
          at: String(process.hrtime.bigint()),
          count: invites.length,
        } satisfies WorkerMessage);
      }
      this.poll(invites.map((invite) => invite.id));
      return;
    }
    // Refused: come back when told (Retry-After), as the client package does.
    const retryAfter = Number(/\r\nretry-after: *(\d+)/i.exec(head)?.[1] ?? 1);
    setTimeout(() => this.poll(), retryAfter * 1000);
  }
}

process.on('message', (message: WorkerRequest) => {
  switch (message.type) {
    case 'connect': {
      let connected = 0;
      const batch = message.devices.map(
        (spec) => new Device(spec, message.port, message.waitSeconds, message.transport),
      );
      devices.push(...batch);
      for (const device of batch) byIndex.set(device.spec.index, device);
      // Opened a few hundred at a time, so that the kernel's accept queue is never what refuses.
      let next = 0;
      const openSome = () => {
        for (const device of batch.slice(next, next + 250)) {
          device.open(() => {
            connected += 1;
            if (connected === batch.length) process.send?.({ type: 'connected', count: connected });
          });
        }
        next += 250;
        if (next < batch.length) setTimeout(openSome, 10);
      };
      openSome();
      break;
    }
    case 'stats':
      process.send?.({
        type: 'stats',
        stats: { polling, statuses: { ...statuses }, cuts, errors },
      } satisfies WorkerMessage);
      break;
    case 'polling':
      process.send?.({
        type: 'polling',
        indexes: devices.filter((device) => device.waiting).map((device) => device.spec.index),
      } satisfies WorkerMessage);
      break;
    case 'held': {
      const device = byIndex.get(message.index);
      process.send?.({
        type: 'held',
        index: message.index,
        held: device?.held(performance.now()) ?? false,
      } satisfies WorkerMessage);
      break;
    }
    case 'close':
      for (const device of devices) device.close();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
