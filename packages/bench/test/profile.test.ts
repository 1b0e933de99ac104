import { describe, expect, it } from 'vitest';
import { type CpuProfile, ownerOf, summarizeProfile } from '../src/profile.ts';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber: 9, columnNumber: 0 },
  children,
});

// root → handle (express) → lookupRoute (validator) → pathToRegexp (path-to-regexp); root → (idle)
const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 5]),
    frame(2, 'handle', 'file:///x/node_modules/express/lib/application.js', [3]),
    frame(3, 'lookupRoute', 'file:///x/node_modules/express-openapi-validator/dist/m.js', [4]),
    frame(4, 'pathToRegexp', 'file:///x/node_modules/.pnpm/p@8/node_modules/path-to-regexp/dist/index.js'),
    frame(5, '(idle)', ''),
  ],
  // Each sample lasts until the next one: 100 µs apiece.
  samples: [2, 3, 4, 4, 5, 5, 4],
  timeDeltas: [0, 100, 100, 100, 100, 100, 100],
  startTime: 0,
  endTime: 700,
};

describe('summarizeProfile', () => {
  const summary = summarizeProfile(profile);

  it('sums self time by owner, idle apart', () => {
    expect(summary.idleMs).toBeCloseTo(0.2);
    expect(summary.busyMs).toBeCloseTo(0.4);
    expect(summary.byOwner[0]).toMatchObject({ owner: 'path-to-regexp', share: 0.5 });
  });

  it('ranks frames by self and by inclusive time', () => {
    expect(summary.topSelf[0]?.frame).toMatch(/^pathToRegexp \(path-to-regexp\/dist\/index\.js:10\)$/);
    expect(summary.topInclusive[0]).toMatchObject({ owner: 'express', share: 1 });
    expect(summary.topInclusive.find((f) => f.frame.startsWith('lookupRoute'))?.share).toBeCloseTo(0.75);
  });

  it('counts only the samples of a window, measured back from the end', () => {
    // The last 300 µs hold the two idle samples and the final sample, which has no duration.
    const windowed = summarizeProfile(profile, { fromEndUs: 300, toEndUs: 0 });
    expect(windowed.busyMs).toBeCloseTo(0);
    expect(windowed.idleMs).toBeCloseTo(0.2);
  });
});

describe('ownerOf', () => {
  it('names packages, scoped packages, Node core and the service', () => {
    expect(ownerOf('f', 'file:///a/node_modules/.pnpm/x/node_modules/@scope/pkg/i.js')).toBe('@scope/pkg');
    expect(ownerOf('f', 'node:internal/url')).toBe('Node.js core');
    expect(ownerOf('f', 'file:///w/packages/server/src/app.ts')).toBe('the service (packages/server/src)');
    expect(ownerOf('(garbage collector)', '')).toBe('V8: garbage collector');
  });
});
