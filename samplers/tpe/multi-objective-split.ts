import { hypervolume, hypervolumeContributions, referencePointOf } from './hypervolume.js';

/**
 * Non-domination ranks (0 = Pareto front) of minimised points, by repeated peeling (Deb et al. 2002's NSGA-II
 * ranking). Stops once at least `enough` points are ranked; the rest get rank Infinity.
 */
export function nonDominationRanks(points: readonly (readonly number[])[], enough = points.length): number[] {
  const n = points.length;
  const ranks = new Array<number>(n).fill(Infinity);
  let remaining = Array.from({ length: n }, (_, i) => i);
  let ranked = 0;
  for (let rank = 0; remaining.length > 0 && ranked < enough; rank++) {
    const front: number[] = [];
    const rest: number[] = [];
    for (const i of remaining) {
      let dominated = false;
      for (const j of remaining) {
        if (j !== i && dominatesMin(points[j], points[i])) {
          dominated = true;
          break;
        }
      }
      (dominated ? rest : front).push(i);
    }
    for (const i of front) ranks[i] = rank;
    ranked += front.length;
    remaining = rest;
  }
  return ranks;
}

function dominatesMin(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/**
 * NOTE: MOTPE's split (Ozaki et al. 2020; Optuna's `_split_complete_trials_multi_objective`): whole
 * non-domination ranks go to the good set while they fit; the rank that overflows is cut by greedy
 * hypervolume subset selection (the point adding most hypervolume first). Returns the chosen indices.
 */
export function selectBelowMultiObjective(points: readonly (readonly number[])[], nBelow: number): number[] {
  if (nBelow <= 0) return [];
  if (nBelow >= points.length) return points.map((_, i) => i);
  const ranks = nonDominationRanks(points, nBelow);
  const chosen: number[] = [];
  for (let rank = 0; chosen.length < nBelow; rank++) {
    const members = ranks.flatMap((r, i) => (r === rank ? [i] : []));
    if (chosen.length + members.length <= nBelow) {
      chosen.push(...members);
      continue;
    }
    const need = nBelow - chosen.length;
    const reference = referencePointOf(members.map((i) => points[i]));
    const picked: number[] = [];
    const pool = [...members];
    while (picked.length < need) {
      const base = hypervolume(picked.map((i) => points[i]), reference);
      let best = 0;
      let bestGain = -Infinity;
      pool.forEach((i, k) => {
        const gain = hypervolume([...picked, i].map((x) => points[x]), reference) - base;
        if (gain > bestGain) {
          bestGain = gain;
          best = k;
        }
      });
      picked.push(pool[best]);
      pool.splice(best, 1);
    }
    chosen.push(...picked);
  }
  return chosen;
}

/**
 * NOTE: MOTPE weights the good observations by their hypervolume contribution (Optuna's
 * `_calculate_weights_below_for_multi_objective`), normalised by the largest, floored at a tiny epsilon.
 */
export function hypervolumeWeights(points: readonly (readonly number[])[]): Float64Array {
  const n = points.length;
  const w = new Float64Array(n);
  if (n === 0) return w;
  if (n === 1) return w.fill(1);
  const contributions = hypervolumeContributions(points, referencePointOf(points));
  const max = Math.max(...contributions, 1e-12);
  for (let i = 0; i < n; i++) w[i] = Math.max(contributions[i] / max, 1e-12);
  return w;
}
