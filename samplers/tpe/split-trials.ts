import type { Direction } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import type { GammaFunction } from './gamma.js';
import { hypervolumeWeights, selectBelowMultiObjective } from './multi-objective-split.js';

/** The good ("below", l(x)) and bad ("above", g(x)) observations, each in trial-number order. */
export interface TrialSplit {
  readonly below: FrozenTrial[];
  readonly above: FrozenTrial[];
  /** Weights of `below` when they are not the age weights (MOTPE's hypervolume contributions). */
  readonly belowWeights: Float64Array | null;
}

/** Total constraint violation: Σ max(0, c); 0 means feasible. */
export function violationOf(trial: FrozenTrial): number {
  if (!trial.constraints) return 0;
  let v = 0;
  for (const c of trial.constraints) v += Number.isNaN(c) ? Infinity : Math.max(0, c);
  return v;
}

/**
 * Splits observations as Optuna's TPE does (`_split_trials`), so pruning, constraints and other workers
 * all inform the model:
 * - n counts every trial but the running ones, and the good set takes gamma(n) of them;
 * - feasible COMPLETE trials fill it first, best value first (multi-objective: MOTPE's rank + hypervolume);
 * - then PRUNED ones, ranked by the last step they reached (further is better), then by the value there;
 * - then infeasible ones, least violation first (so feasible trials are always preferred);
 * - RUNNING trials (constant liar: they are passed in only when it is on) always go to the bad set, which keeps
 *   concurrent workers from piling onto the same point (NOTE: Optuna's constant_liar, after Ginsbourger 2010);
 * - FAIL and WAITING trials are ignored.
 * `constraintsEnabled`: a COMPLETE trial without constraint values counts as infeasible (unknown feasibility).
 */
export function splitTrials(
  trials: readonly FrozenTrial[],
  directions: readonly Direction[],
  gamma: GammaFunction,
  constraintsEnabled: boolean,
): TrialSplit {
  const complete: FrozenTrial[] = [];
  const pruned: FrozenTrial[] = [];
  const running: FrozenTrial[] = [];
  const infeasible: FrozenTrial[] = [];
  for (const t of trials) {
    if (t.state === 'RUNNING') running.push(t);
    else if (t.state === 'COMPLETE') {
      if (!t.values || t.values.length !== directions.length) continue;
      if (constraintsEnabled && (t.constraints === null || violationOf(t) > 0)) infeasible.push(t);
      else complete.push(t);
    } else if (t.state === 'PRUNED') {
      if (constraintsEnabled && violationOf(t) > 0) infeasible.push(t);
      else pruned.push(t);
    }
  }
  let nBelow = Math.min(gamma(complete.length + pruned.length + infeasible.length), complete.length + pruned.length + infeasible.length);
  const inBelow = new Set<FrozenTrial>();
  let belowWeightOf: Map<FrozenTrial, number> | null = null;

  if (directions.length === 1) {
    const sign = directions[0] === 'minimize' ? 1 : -1;
    const keys = new Float64Array(complete.length);
    complete.forEach((t, i) => (keys[i] = orderable(sign * t.values![0])));
    for (const i of smallestK(keys, Math.min(nBelow, complete.length))) inBelow.add(complete[i]);
  } else {
    const points = complete.map((t) => t.values!.map((v, i) => orderable(directions[i] === 'minimize' ? v : -v)));
    const chosen = selectBelowMultiObjective(points, Math.min(nBelow, complete.length));
    const chosenPoints = chosen.map((i) => points[i]);
    const w = hypervolumeWeights(chosenPoints);
    belowWeightOf = new Map();
    chosen.forEach((i, k) => {
      inBelow.add(complete[i]);
      belowWeightOf!.set(complete[i], w[k]);
    });
  }
  nBelow -= inBelow.size;

  if (nBelow > 0 && pruned.length > 0) {
    const sign = directions[0] === 'minimize' ? 1 : -1;
    const scored = pruned.map((t) => ({ t, key: prunedScore(t, sign) }));
    scored.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.t.number - b.t.number);
    for (const { t } of scored.slice(0, nBelow)) inBelow.add(t);
    nBelow -= Math.min(nBelow, scored.length);
  }
  if (nBelow > 0 && infeasible.length > 0) {
    const scored = infeasible.map((t) => ({ t, v: t.constraints === null ? Infinity : violationOf(t) }));
    scored.sort((a, b) => a.v - b.v || a.t.number - b.t.number);
    for (const { t } of scored.slice(0, nBelow)) inBelow.add(t);
  }

  const below: FrozenTrial[] = [];
  const above: FrozenTrial[] = [];
  for (const t of trials) {
    if (inBelow.has(t)) below.push(t);
    else if (t.state === 'RUNNING' || t.state === 'COMPLETE' || t.state === 'PRUNED') {
      if (t.state !== 'COMPLETE' || (t.values && t.values.length === directions.length)) above.push(t);
    }
  }
  // Trials arrive in number order from the study view; sort only if a caller passed them otherwise.
  if (!inNumberOrder(below)) below.sort((a, b) => a.number - b.number);
  if (!inNumberOrder(above)) above.sort((a, b) => a.number - b.number);
  let belowWeights: Float64Array | null = null;
  if (belowWeightOf) {
    belowWeights = new Float64Array(below.length);
    below.forEach((t, i) => (belowWeights![i] = belowWeightOf!.get(t) ?? 1e-12));
  }
  return { below, above, belowWeights };
}

function inNumberOrder(trials: readonly FrozenTrial[]): boolean {
  for (let i = 1; i < trials.length; i++) if (trials[i].number < trials[i - 1].number) return false;
  return true;
}

/** NaN sorts last (as Optuna treats a NaN objective as the worst). */
function orderable(v: number): number {
  return Number.isNaN(v) ? Infinity : v;
}

/** NOTE: Optuna's `_get_pruned_trial_score`: (−last step, signed value at it); no report ranks last. */
export function prunedScore(trial: FrozenTrial, sign: number): [number, number] {
  let step: number | undefined;
  for (const s of trial.intermediateValues.keys()) if (step === undefined || s > step) step = s;
  if (step === undefined) return [1, 0];
  return [-step, orderable(sign * trial.intermediateValues.get(step)!)];
}

/** Indices of the k smallest keys, ties to the lower index (a bounded max-heap: O(n log k), no full sort). */
export function smallestK(keys: Float64Array, k: number): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  const worse = (a: number, b: number) => keys[a] > keys[b] || (keys[a] === keys[b] && a > b);
  const siftUp = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = 0; i < keys.length; i++) {
    if (heap.length < k) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (worse(heap[0], i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap;
}
