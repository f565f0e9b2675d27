import type { Direction } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import type { GammaFunction } from './gamma.js';
import { hypervolumeWeights, selectBelowMultiObjective } from './multi-objective-split.js';
import { FRESH_ARRAYS, type Scratch } from './scratch-buffers.js';
import { FACT_COMPLETE, FACT_PRUNED, FACT_RUNNING, type FactsOf } from './trial-facts.js';

/** The good ("below", l(x)) and bad ("above", g(x)) observations, each in trial-number order. */
export interface TrialSplit {
  readonly below: FrozenTrial[];
  readonly above: FrozenTrial[];
  /** Where each of `below` and `above` is in the list that was split (so callers can reuse per-trial data). */
  readonly belowAt: Int32Array;
  readonly aboveAt: Int32Array;
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

const IGNORED = 0;
const COMPLETE = 1;
const PRUNED = 2;
const RUNNING = 3;
const INFEASIBLE = 4;

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
 * One pass to classify, a bounded selection for the good set (no sort of the history), one pass to collect.
 * With `factsOf` (the observation table's copy of the fields read here, trial-facts.ts) the classifying pass
 * and the number order read typed arrays instead of every trial object; the result is the same. The pass's
 * working arrays come from `scratch` (the returned ones never do: a split is kept for the whole ask).
 */
export function splitTrials(
  trials: readonly FrozenTrial[],
  directions: readonly Direction[],
  gamma: GammaFunction,
  constraintsEnabled: boolean,
  factsOf?: FactsOf,
  scratch: Scratch = FRESH_ARRAYS,
): TrialSplit {
  const n = trials.length;
  const kind = scratch.u8(n);
  let nComplete = 0;
  let nPruned = 0;
  let nInfeasible = 0;
  // Feasible COMPLETE trials' positions and (one objective) their signed values, read in the same pass.
  const completeAt = scratch.i32(n);
  const keys = scratch.f64(directions.length === 1 ? n : 0);
  const sign = directions[0] === 'minimize' ? 1 : -1;
  if (factsOf) {
    const { facts, rows } = factsOf;
    const { state, nValues, value0, hasConstraints, violation } = facts;
    const L = directions.length;
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      const s = state[r];
      if (s === FACT_RUNNING) kind[i] = RUNNING;
      else if (s === FACT_COMPLETE) {
        if (nValues[r] !== L) continue;
        if (constraintsEnabled && (!hasConstraints[r] || violation[r] > 0)) kind[i] = INFEASIBLE;
        else {
          kind[i] = COMPLETE;
          if (keys.length > 0) keys[nComplete] = orderable(sign * value0[r]);
          completeAt[nComplete++] = i;
        }
      } else if (s === FACT_PRUNED) {
        if (constraintsEnabled && violation[r] > 0) kind[i] = INFEASIBLE;
        else kind[i] = PRUNED;
      }
      if (kind[i] === PRUNED) nPruned++;
      else if (kind[i] === INFEASIBLE) nInfeasible++;
    }
  } else for (let i = 0; i < n; i++) {
    const t = trials[i];
    if (t.state === 'RUNNING') kind[i] = RUNNING;
    else if (t.state === 'COMPLETE') {
      if (!t.values || t.values.length !== directions.length) continue;
      if (constraintsEnabled && (t.constraints === null || violationOf(t) > 0)) kind[i] = INFEASIBLE;
      else {
        kind[i] = COMPLETE;
        if (keys.length > 0) keys[nComplete] = orderable(sign * t.values[0]);
        completeAt[nComplete++] = i;
      }
    } else if (t.state === 'PRUNED') {
      if (constraintsEnabled && violationOf(t) > 0) kind[i] = INFEASIBLE;
      else kind[i] = PRUNED;
    }
    if (kind[i] === PRUNED) nPruned++;
    else if (kind[i] === INFEASIBLE) nInfeasible++;
  }
  const nModelled = nComplete + nPruned + nInfeasible;
  let nBelow = Math.min(gamma(nModelled), nModelled);
  const inBelow = scratch.u8(n);
  let taken = 0;
  let belowWeightOf: Map<number, number> | null = null;

  if (directions.length === 1) {
    for (const c of smallestK(keys.subarray(0, nComplete), Math.min(nBelow, nComplete))) {
      inBelow[completeAt[c]] = 1;
      taken++;
    }
  } else {
    const complete = Array.from(completeAt.subarray(0, nComplete), (i) => trials[i]);
    const points = complete.map((t) => t.values!.map((v, i) => orderable(directions[i] === 'minimize' ? v : -v)));
    const chosen = selectBelowMultiObjective(points, Math.min(nBelow, nComplete));
    const chosenPoints = chosen.map((i) => points[i]);
    const w = hypervolumeWeights(chosenPoints);
    belowWeightOf = new Map();
    chosen.forEach((c, k) => {
      if (!inBelow[completeAt[c]]) taken++;
      inBelow[completeAt[c]] = 1;
      belowWeightOf!.set(completeAt[c], w[k]);
    });
  }
  nBelow -= taken;

  if (nBelow > 0 && nPruned > 0) {
    const scored: { i: number; key: [number, number] }[] = [];
    for (let i = 0; i < n; i++) if (kind[i] === PRUNED) scored.push({ i, key: prunedScore(trials[i], sign) });
    scored.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || trials[a.i].number - trials[b.i].number);
    for (const { i } of scored.slice(0, nBelow)) inBelow[i] = 1;
    nBelow -= Math.min(nBelow, scored.length);
  }
  if (nBelow > 0 && nInfeasible > 0) {
    const scored: { i: number; v: number }[] = [];
    for (let i = 0; i < n; i++) if (kind[i] === INFEASIBLE) scored.push({ i, v: trials[i].constraints === null ? Infinity : violationOf(trials[i]) });
    scored.sort((a, b) => a.v - b.v || trials[a.i].number - trials[b.i].number);
    for (const { i } of scored.slice(0, nBelow)) inBelow[i] = 1;
  }

  let belowCount = 0;
  let aboveCount = 0;
  for (let i = 0; i < n; i++) {
    if (inBelow[i]) belowCount++;
    else if (kind[i] !== IGNORED) aboveCount++;
  }
  let belowAt: Int32Array = new Int32Array(belowCount);
  let aboveAt: Int32Array = new Int32Array(aboveCount);
  for (let i = 0, b = 0, a = 0; i < n; i++) {
    if (inBelow[i]) belowAt[b++] = i;
    else if (kind[i] !== IGNORED) aboveAt[a++] = i;
  }
  // Trials arrive in number order from the study view; sort only if a caller passed them otherwise.
  const numberAt = factsOf
    ? (i: number) => factsOf.facts.number[factsOf.rows[i]]
    : (i: number) => trials[i].number;
  belowAt = inNumberOrder(numberAt, belowAt, factsOf);
  aboveAt = inNumberOrder(numberAt, aboveAt, factsOf);
  const below = trialsAt(trials, belowAt);
  const above = trialsAt(trials, aboveAt);
  let belowWeights: Float64Array | null = null;
  if (belowWeightOf) belowWeights = Float64Array.from(belowAt, (i) => belowWeightOf!.get(i) ?? 1e-12);
  return { below, above, belowAt, aboveAt, belowWeights };
}

function trialsAt(trials: readonly FrozenTrial[], at: Int32Array): FrozenTrial[] {
  const out = new Array<FrozenTrial>(at.length);
  for (let k = 0; k < at.length; k++) out[k] = trials[at[k]];
  return out;
}

/** `at` ordered by the trials' numbers (stable; unchanged when already in order). */
function inNumberOrder(numberAt: (i: number) => number, at: Int32Array, factsOf: FactsOf | undefined): Int32Array {
  let ordered = true;
  if (factsOf) {
    // The check reads the facts directly: a call per position through two different closures was not inlined.
    const { facts, rows } = factsOf;
    const number = facts.number;
    for (let k = 1; k < at.length && ordered; k++) ordered = number[rows[at[k]]] >= number[rows[at[k - 1]]];
  } else {
    for (let k = 1; k < at.length && ordered; k++) ordered = numberAt(at[k]) >= numberAt(at[k - 1]);
  }
  return ordered ? at : Int32Array.from([...at].sort((a, b) => numberAt(a) - numberAt(b) || a - b));
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
      continue;
    }
    // worse(heap[0], i) written out: once the heap holds good keys nearly every i fails it, and the closure call
    // per key was most of the pass over thousands of trials.
    const top = heap[0];
    const kt = keys[top];
    const ki = keys[i];
    if (kt > ki || (kt === ki && top > i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap;
}
