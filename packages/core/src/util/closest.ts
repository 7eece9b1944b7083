/**
 * Edit distance with adjacent transpositions (optimal string alignment), for
 * "did you mean" suggestions on unknown names: `lfi` is one typo from `lif`.
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate nearest to `name`, if it is near enough to be a plausible typo. */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const d = c.startsWith(lower) || lower.startsWith(c) ? 1 : editDistance(lower, c);
    // On a tie, the candidate of the same length is the likelier typo (`lfi`: `lif`, not `if`).
    const closer =
      d < bestDistance ||
      (d === bestDistance &&
        best !== undefined &&
        Math.abs(c.length - lower.length) < Math.abs(best.length - lower.length));
    if (closer) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}
