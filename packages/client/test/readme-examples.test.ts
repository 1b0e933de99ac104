import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExamples, extractExamples } from '../scripts/check-readme-examples.js';

const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('the README examples', () => {
  it('are found: every section that shows code has a ```ts block', () => {
    expect(extractExamples(readme).length).toBeGreaterThanOrEqual(6);
  });

  it('type-check against the package sources, imported by the package name', () => {
    expect(checkExamples(extractExamples(readme))).toEqual([]);
  }, 30_000);

  it('would fail the check if one used the API wrongly, naming the README line', () => {
    const broken = extractExamples(
      [
        '# Title',
        '',
        '```ts',
        "import { createInvitesClient } from '@server-invites/client';",
        '',
        "const invites = createInvitesClient({ baseUrl: 'https://x.test', credentials: 'XBL3.0 x=-;t' });",
        "await invites.sendServerInvite(1, { invitedUsers: ['1'], sender: '2', platform: 'Xbox' });",
        '```',
      ].join('\n'),
    );

    expect(broken).toEqual([{ line: 4, code: expect.stringContaining('createInvitesClient') }]);
    expect(checkExamples(broken)).toEqual([
      `README.md:7: Type '"Xbox"' is not assignable to type 'Platform | undefined'.`,
    ]);
  }, 30_000);
});
