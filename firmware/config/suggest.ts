/** "Did you mean ...?" for misspelt keys and names. */

/** Edit distance (insert, delete, substitute, swap adjacent), Damerau-Levenshtein OSA variant. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i]![0] = i;
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Lower case, no '_' or '-': `userAgent`, `user-agent` and `USER_AGENT` all become `useragent`. */
function normalise(s: string): string {
  return s.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The closest candidate to `input`, if it is close enough to be a likely typo: same spelling up
 * to case and separators, or within an edit distance of about a third of its length.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const n = normalise(input);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = normalise(c) === n ? 0 : editDistance(n, normalise(c));
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.max(n.length, 3) / 3));
  return bestScore <= allowed ? best : undefined;
}

/** ` (did you mean "x"?)` or ''. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const hit = closest(input, candidates);
  return hit === undefined ? '' : ` (did you mean "${hit}"?)`;
}
