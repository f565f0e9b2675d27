/**
 * Exact hypervolume dominated by `points` (all objectives minimised) and bounded by `reference`. Points not
 * strictly better than the reference in every objective add nothing. 2-D by a sweep; more dimensions by
 * slicing along the last objective (HSO, While et al. 2006) — exponential in the worst case, fine for the
 * few dozen points TPE's good set holds.
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const d = reference.length;
  const inside = points.filter((p) => p.every((v, i) => v < reference[i]));
  if (inside.length === 0) return 0;
  if (d === 1) return reference[0] - Math.min(...inside.map((p) => p[0]));
  if (d === 2) {
    const sorted = [...inside].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let volume = 0;
    let bestY = reference[1];
    for (const p of sorted) {
      if (p[1] < bestY) {
        volume += (reference[0] - p[0]) * (bestY - p[1]);
        bestY = p[1];
      }
    }
    return volume;
  }
  const sorted = [...inside].sort((a, b) => a[d - 1] - b[d - 1]);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1][d - 1] : reference[d - 1];
    const depth = top - sorted[i][d - 1];
    if (depth <= 0) continue;
    const slice = sorted.slice(0, i + 1).map((p) => p.slice(0, d - 1));
    volume += depth * hypervolume(slice, reference.slice(0, d - 1));
  }
  return volume;
}

/** Each point's exclusive contribution: the hypervolume lost when it alone is removed. */
export function hypervolumeContributions(points: readonly (readonly number[])[], reference: readonly number[]): number[] {
  const total = hypervolume(points, reference);
  return points.map((_, i) => total - hypervolume(points.filter((__, j) => j !== i), reference));
}

/**
 * The reference point Optuna's MOTPE uses for a set of (minimised) points: 10% beyond the worst value of each
 * objective, never exactly zero.
 */
export function referencePointOf(points: readonly (readonly number[])[]): number[] {
  const d = points[0].length;
  const ref: number[] = [];
  for (let i = 0; i < d; i++) {
    const worst = Math.max(...points.map((p) => p[i]));
    const r = Math.max(1.1 * worst, 0.9 * worst);
    ref.push(r === 0 ? 1e-12 : r);
  }
  return ref;
}
