/**
 * "Did you mean …?" for misspelt names (stage, param, variant, experiment, key).
 *
 * @module
 */

/**
 * Edit distance counting insertions, deletions, substitutions and transpositions of adjacent
 * letters (Levenshtein with the "optimal string alignment" extension: `trian` → `train` is 1).
 */
export function levenshtein(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `name`, if it is close enough to be a plausible typo: at most a
 * third of the longer name's length (and at least 1) edits away, compared case-insensitively.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = levenshtein(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  const limit = Math.max(1, Math.floor(Math.max(name.length, best?.length ?? 0) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `' (did you mean "x"?)'` or `' (valid: a, b, c)'` for an unknown `name`. */
export function hint(name: string, candidates: readonly string[]): string {
  const near = closest(name, candidates);
  if (near !== undefined) return `; did you mean "${near}"?`;
  if (candidates.length === 0) return "";
  const shown = candidates.slice(0, 12).map((c) => `"${c}"`).join(", ");
  return `; valid: ${shown}${candidates.length > 12 ? ", …" : ""}`;
}
