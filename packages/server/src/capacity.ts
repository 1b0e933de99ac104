// What one replica holds at most, planned at start-up from its configuration and from the limits
// of its process: the open files it may have (every connection is one) and the heap it may use.
// Past each cap the service refuses, with a documented answer, instead of running out of file
// descriptors or memory; the heap limit is a last resort, never the admission policy.
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** The limits of this process that bound what it can hold. */
export interface ProcessLimits {
  /** The soft limit on open files (RLIMIT_NOFILE); undefined where it cannot be read. */
  openFiles: number | undefined;
  /** The most the V8 heap may grow to, in bytes. */
  heapBytes: number;
}

/** Reads the limits of the running process (`/proc/self/limits` on Linux, V8's heap statistics). */
export function readProcessLimits(): ProcessLimits {
  return { openFiles: openFilesLimit(), heapBytes: getHeapStatistics().heap_size_limit };
}

function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((row) => row.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === undefined) return undefined;
    return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * Files the process keeps open besides its connections: standard streams, the SQLite file and its
 * journal, Redis connections (two per Cluster master), listeners, files served under /docs,
 * the compile cache.
 */
export const FILES_RESERVED = 64;
/**
 * Connections accepted past the cap, each only to be answered 503 and closed: a caller past the cap
 * gets an answer instead of a reset while this many more descriptors last (2% of them, at least
 * 64). Past those, Node drops new connections itself, before any file runs out.
 */
export function refusalHeadroom(openFiles: number): number {
  return Math.max(64, Math.floor(openFiles * 0.02));
}
/** Where /proc cannot tell (not Linux): the common default limit of containers and shells. */
export const ASSUMED_OPEN_FILES = 1024;
/**
 * The heap the service needs with no connection at all (its code, the contract, caches, the
 * requests in progress under load), kept out of what connections may use.
 */
export const HEAP_RESERVED_BYTES = 48 * 1024 * 1024;
/**
 * Heap an open connection costs while idle or in a short request: 3.5 KB measured with 5,000 idle
 * keep-alive connections on the built service (packages/bench/findings.md, capacity pass).
 */
export const HEAP_PER_CONNECTION_BYTES = 4 * 1024;
/**
 * Heap a waiting device costs, its connection included: ~10 KB measured (the devices scenario of
 * packages/bench/BENCHMARKS.md), with a fifth more as margin.
 */
export const HEAP_PER_WAITING_DEVICE_BYTES = 12 * 1024;
/** Connections kept for callers other than waiting devices (senders, registrations, probes). */
export const CONNECTIONS_NOT_WAITING = 0.05;

export interface CapacityRequest {
  /** MAX_CONNECTIONS; undefined: as many as the limits allow. */
  connections: number | undefined;
  /** MAX_WAITING_DEVICES; undefined: as many as the limits allow. */
  waitingDevices: number | undefined;
}

export interface Capacity {
  /** Open connections; past this, idle ones are closed for new callers, else new ones are refused. */
  connections: number;
  /** Connections accepted past `connections` to be refused with an answer (refusalHeadroom). */
  refusalHeadroom: number;
  /** Devices waiting for invites at once; past this, a wait is refused (503). */
  waitingDevices: number;
}

export interface CapacityPlan {
  capacity: Capacity;
  /** What a configured value was lowered to, and why (logged at start-up). */
  warnings: string[];
}

export function planCapacity(request: CapacityRequest, limits: ProcessLimits): CapacityPlan {
  const warnings: string[] = [];
  const openFiles = limits.openFiles ?? ASSUMED_OPEN_FILES;
  const headroom = refusalHeadroom(openFiles);
  const byFiles = Math.max(1, openFiles - FILES_RESERVED - headroom);
  // Planned for the worst the caps admit: every connection open, and as many of them waiting as
  // the room takes. A connection then costs on average what this mix costs.
  const heapForConnections = Math.max(0, limits.heapBytes - HEAP_RESERVED_BYTES);
  const heapPerConnection =
    CONNECTIONS_NOT_WAITING * HEAP_PER_CONNECTION_BYTES +
    (1 - CONNECTIONS_NOT_WAITING) * HEAP_PER_WAITING_DEVICE_BYTES;
  const byHeap = Math.max(1, Math.floor(heapForConnections / heapPerConnection));

  const connectionsAllowed = Math.min(byFiles, byHeap);
  let connections = connectionsAllowed;
  if (request.connections !== undefined) {
    if (request.connections > connectionsAllowed) {
      warnings.push(
        `MAX_CONNECTIONS=${request.connections} is above what ${openFiles} open files and a heap of ${mebibytes(limits.heapBytes)} allow; using ${connectionsAllowed}`,
      );
    } else connections = request.connections;
  }

  const waitingAllowed = Math.max(1, Math.floor(connections * (1 - CONNECTIONS_NOT_WAITING)));
  let waitingDevices = waitingAllowed;
  if (request.waitingDevices !== undefined) {
    if (request.waitingDevices > waitingAllowed) {
      warnings.push(
        `MAX_WAITING_DEVICES=${request.waitingDevices} is above what ${connections} connections allow (keeping ${Math.round(CONNECTIONS_NOT_WAITING * 100)}% of them for other callers); using ${waitingAllowed}`,
      );
    } else waitingDevices = request.waitingDevices;
  }
  return { capacity: { connections, refusalHeadroom: headroom, waitingDevices }, warnings };
}

/**
 * Verified credentials remembered at the least. The cache otherwise holds one per connection the
 * plan admits: a device polls again every 30 s with the same credential, and with fewer entries
 * than devices an LRU cache forgets each before its next poll, so every poll verifies a signature
 * again (the devices scenario on Redis, 19,600 devices and 10,000 entries: 25% more CPU per device
 * and wake-ups at p99 588 ms, against 10 ms with 40,000; packages/bench/findings.md). An entry
 * costs ~0.2 KB, within HEAP_PER_WAITING_DEVICE_BYTES's margin.
 */
export const MIN_TOKEN_CACHE_ENTRIES = 10_000;

/** How many verified credentials to remember when TOKEN_CACHE_MAX_ENTRIES is not set. */
export function tokenCacheEntries(capacity: Capacity): number {
  return Math.max(MIN_TOKEN_CACHE_ENTRIES, capacity.connections);
}

const mebibytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
