import type { Direction } from '../src/core/study.js';
import type { FrozenTrial } from '../src/core/trial.js';

/**
 * Helpers the step-wise pruners share. Steps may arrive in any order, so a decision at `step` looks only at
 * the trial's values at steps up to `step`: the same history gives the same answer whatever the arrival order.
 */

/** The best of the trial's values at steps <= `step`, NaN ignored; NaN when every one of them is NaN. */
export function bestValueUpTo(trial: FrozenTrial, step: number, direction: Direction): number {
  let best = Number.NaN;
  for (const [s, v] of trial.intermediateValues) {
    if (s > step || Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (direction === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/**
 * Whether `step` is where the pruner looks, given warm-up and interval: past the warm-up, and the first
 * reported step of its interval window [warmup + k·interval, warmup + (k+1)·interval).
 */
// NOTE: Optuna's _is_first_in_interval_step compares with the largest other step, which assumes steps arrive
// in order; looking only below `step` inside the window gives the same answer in order and a defined one out of it.
export function isPruningStep(trial: FrozenTrial, step: number, nWarmupSteps: number, intervalSteps: number): boolean {
  if (step < nWarmupSteps) return false;
  if (intervalSteps <= 1) return true;
  const windowStart = Math.floor((step - nWarmupSteps) / intervalSteps) * intervalSteps + nWarmupSteps;
  for (const s of trial.intermediateValues.keys()) if (s >= windowStart && s < step) return false;
  return true;
}

/**
 * The q-th percentile (0..100) of `values` with linear interpolation between order statistics (numpy's
 * default), NaN ignored; NaN when nothing is left.
 */
export function nanPercentile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  if (lo === hi) return sorted[lo];
  const a = sorted[lo];
  const b = sorted[hi];
  // Infinite neighbours: interpolation would give NaN (inf - inf); the nearer order statistic is the answer.
  if (!Number.isFinite(a) || !Number.isFinite(b)) return pos - lo < 0.5 ? a : b;
  return a + (b - a) * (pos - lo);
}

/** The study's one direction, for pruners that only handle single-objective studies. */
export function singleDirection(directions: readonly Direction[]): Direction {
  return directions[0] ?? 'minimize';
}
