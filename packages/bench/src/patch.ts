// Applies a unified diff (as `pnpm patch-commit` writes them) to one file's text, in memory. Hunks
// are located by their exact context and removed lines, not by line numbers. Pure, unit-tested.

export interface FilePatch {
  /** The path in the package, without the a/ or b/ prefix. */
  path: string;
  hunks: { before: string[]; after: string[] }[];
}

export function parsePatch(diff: string): FilePatch[] {
  const files: FilePatch[] = [];
  let current: FilePatch | undefined;
  let hunk: FilePatch['hunks'][number] | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
      hunk = undefined;
    } else if (line.startsWith('+++ ')) {
      current = { path: line.slice(4).replace(/^b\//, ''), hunks: [] };
      files.push(current);
    } else if (line.startsWith('@@') && current) {
      hunk = { before: [], after: [] };
      current.hunks.push(hunk);
    } else if (hunk && (line.startsWith(' ') || line.startsWith('-') || line.startsWith('+'))) {
      if (line.startsWith('---')) continue;
      const text = line.slice(1);
      if (line[0] !== '+') hunk.before.push(text);
      if (line[0] !== '-') hunk.after.push(text);
    } else if (hunk && line === '') {
      // A blank context line whose leading space an editor stripped.
      hunk.before.push('');
      hunk.after.push('');
    }
  }
  return files;
}

/** Returns the patched text; throws if a hunk's lines are not found exactly once. */
export function applyFilePatch(source: string, patch: FilePatch): string {
  let text = source;
  for (const { before, after } of patch.hunks) {
    const trimmed = trimTrailingBlank(before, after);
    const from = trimmed.before.join('\n');
    const first = text.indexOf(from);
    if (first === -1 || text.indexOf(from, first + 1) !== -1) {
      throw new Error(
        `${patch.path}: a hunk does not apply (found ${first === -1 ? 'no' : 'several'} matches)`,
      );
    }
    text = text.slice(0, first) + trimmed.after.join('\n') + text.slice(first + from.length);
  }
  return text;
}

function trimTrailingBlank(before: string[], after: string[]) {
  const b = [...before];
  const a = [...after];
  while (b.length > 0 && a.length > 0 && b.at(-1) === '' && a.at(-1) === '') {
    b.pop();
    a.pop();
  }
  return { before: b, after: a };
}
