// Where the time goes: reads a V8 CPU profile (`node --cpu-prof`) and sums its samples by function
// and by package. Pure functions over the parsed JSON; the bench runs the profiled process.

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    hitCount?: number;
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FrameTime {
  /** `function (where)`. */
  frame: string;
  owner: string;
  ms: number;
  /** Share of the profile's busy (non-idle) time, 0..1. */
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  /** Self time summed by who owns the code: a package, the service, Node's core, GC. */
  byOwner: { owner: string; ms: number; share: number }[];
  /** Functions by self time. */
  topSelf: FrameTime[];
  /** Functions by inclusive time (self plus callees), counted once per stack even when recursive. */
  topInclusive: FrameTime[];
}

const PSEUDO_FRAMES: Record<string, string> = {
  '(garbage collector)': 'V8: garbage collector',
  '(program)': 'V8: native (program)',
  '(idle)': 'idle',
  '(root)': 'root',
};

/** Who owns a frame's code, from its script URL. */
export function ownerOf(functionName: string, url: string): string {
  const pseudo = PSEUDO_FRAMES[functionName];
  if (pseudo && url === '') return pseudo;
  if (url.startsWith('node:')) return 'Node.js core';
  const nodeModules = url.lastIndexOf('/node_modules/');
  if (nodeModules !== -1) {
    const rest = url.slice(nodeModules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.includes('/packages/server/src/')) return 'the service (packages/server/src)';
  if (url.includes('/packages/bench/')) return 'the bench target';
  if (url === '') return 'V8/native';
  return url;
}

export function locationOf(url: string, lineNumber: number): string {
  if (url === '') return '';
  const nodeModules = url.lastIndexOf('/node_modules/');
  const short =
    nodeModules !== -1
      ? url.slice(nodeModules + '/node_modules/'.length)
      : url.includes('/packages/')
        ? url.slice(url.indexOf('/packages/') + 1)
        : url.replace(/^file:\/\//, '');
  return `${short}:${lineNumber + 1}`;
}

/** Which samples to count, in microseconds from the profile's end (start-up and shutdown left out). */
export interface ProfileWindow {
  fromEndUs: number;
  toEndUs: number;
}

export function summarizeProfile(profile: CpuProfile, window?: ProfileWindow, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Each sample's time is the delta to the next sample.
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (window) {
      const beforeEnd = profile.endTime - at;
      if (beforeEnd > window.fromEndUs || beforeEnd < window.toEndUs) continue;
    }
    const id = profile.samples[i] as number;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, delta));
  }
  const keyOf = (id: number) => {
    const { functionName, url, lineNumber, columnNumber } = (byId.get(id) as CpuProfile['nodes'][number])
      .callFrame;
    return `${functionName}\u0000${url}\u0000${lineNumber}\u0000${columnNumber}`;
  };

  let idleUs = 0;
  const ownerUs = new Map<string, number>();
  const frameSelfUs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url } = (byId.get(id) as CpuProfile['nodes'][number]).callFrame;
    const owner = ownerOf(functionName, url);
    if (owner === 'idle') {
      idleUs += us;
      continue;
    }
    ownerUs.set(owner, (ownerUs.get(owner) ?? 0) + us);
    const key = keyOf(id);
    frameSelfUs.set(key, (frameSelfUs.get(key) ?? 0) + us);
  }

  // Inclusive time: a depth-first walk that counts a function once per stack.
  const frameInclusiveUs = new Map<string, number>();
  const subtree = new Map<number, number>();
  const onStack = new Map<string, number>();
  const root = profile.nodes[0]?.id;
  if (root !== undefined) {
    const visit = (id: number) => {
      const node = byId.get(id) as CpuProfile['nodes'][number];
      const key = keyOf(id);
      const total = subtree.get(id) ?? 0;
      const owner = ownerOf(node.callFrame.functionName, node.callFrame.url);
      if ((onStack.get(key) ?? 0) === 0 && owner !== 'idle' && owner !== 'root') {
        frameInclusiveUs.set(key, (frameInclusiveUs.get(key) ?? 0) + total);
      }
      onStack.set(key, (onStack.get(key) ?? 0) + 1);
      for (const child of node.children ?? []) visit(child);
      onStack.set(key, (onStack.get(key) ?? 0) - 1);
    };
    // Subtree totals once, bottom-up, so the walk stays linear.
    const order: number[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const id = stack.pop() as number;
      order.push(id);
      for (const child of byId.get(id)?.children ?? []) stack.push(child);
    }
    for (const id of order.reverse()) {
      let total = selfUs.get(id) ?? 0;
      for (const child of byId.get(id)?.children ?? []) total += subtree.get(child) ?? 0;
      subtree.set(id, total);
    }
    visit(root);
  }

  const busyUs = [...ownerUs.values()].reduce((a, b) => a + b, 0);
  const toFrame = ([key, us]: [string, number]): FrameTime => {
    const [functionName = '', url = '', line = '0'] = key.split('\u0000');
    const location = locationOf(url, Number(line));
    return {
      frame: `${functionName || '(anonymous)'}${location ? ` (${location})` : ''}`,
      owner: ownerOf(functionName, url),
      ms: us / 1000,
      share: busyUs > 0 ? us / busyUs : 0,
    };
  };
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    byOwner: sorted(ownerUs).map(([owner, us]) => ({
      owner,
      ms: us / 1000,
      share: busyUs > 0 ? us / busyUs : 0,
    })),
    topSelf: sorted(frameSelfUs).slice(0, top).map(toFrame),
    topInclusive: sorted(frameInclusiveUs)
      .map(toFrame)
      .filter((frame) => frame.owner !== 'Node.js core' && !frame.owner.startsWith('V8'))
      .slice(0, top),
  };
}
