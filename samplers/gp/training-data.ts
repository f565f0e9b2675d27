import { containsInternal, distributionsEqual, type SearchSpace } from '../../src/core/distribution.js';
import type { Rng } from '../../src/core/rng.js';
import type { Direction, StudyView } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { warpOutputs } from './output-warping.js';
import type { SearchSpaceEncoding } from './search-space-encoding.js';
import { standardise } from './standardise.js';
import type { TrainingSet } from './training-set.js';

/** What the GP sampler learns from: finished trials encoded, outputs warped and standardised, constraints if any. */
export interface TrainingData {
  /** The objective's training set (outputs warped and standardised: `warpOutputs`; larger is better). */
  readonly objective: TrainingSet;
  /** One training set per constraint (same X), outputs standardised; `thresholds[c]` is where c = 0 lands. */
  readonly constraints: readonly TrainingSet[];
  readonly thresholds: readonly number[];
  /** 1 where every constraint of the trial is <= 0 (all 1 without constraints). */
  readonly feasible: Uint8Array;
  /** Encoded points of other workers' running trials, m × D. */
  readonly pending: Float64Array;
  readonly pendingCount: number;
  /** Usable finished trials before the cap on training points. */
  readonly observed: number;
}

// NOTE: ParEGO's augmented Chebyshev scalarisation (Knowles 2006, "ParEGO: a hybrid algorithm with on-line
// landscape approximation for expensive multiobjective optimization problems"), ρ = 0.05.
const PAREGO_RHO = 0.05;

/**
 * Collects the COMPLETE trials that have every parameter of the space (same distribution, legal value), and
 * the RUNNING trials of other workers as pending points. Several objectives are scalarised with random
 * weights drawn from `rng` (a fresh direction of the Pareto front per trial). Beyond `maxPoints`, the best
 * half and the most recent rest are kept, which bounds the cost of an ask.
 */
export function collectTrainingData(
  study: StudyView,
  trial: FrozenTrial,
  space: SearchSpace,
  encoding: SearchSpaceEncoding,
  maxPoints: number,
  rng: Rng,
): TrainingData {
  const names = encoding.names;
  const D = encoding.dimension;
  const directions = study.directions;
  const hasAllParams = (t: FrozenTrial) =>
    names.every((name) => {
      const d = t.distributions[name];
      return d !== undefined && distributionsEqual(d, space[name]) && containsInternal(d, t.internalParams[name]);
    });
  let complete = study
    .getTrials(['COMPLETE'])
    .filter((t) => t.values !== null && t.values.length === directions.length && t.values.every((v) => !Number.isNaN(v)) && hasAllParams(t));
  const constraintCount = complete.reduce((m, t) => Math.max(m, t.constraints?.length ?? 0), 0);
  if (constraintCount > 0) {
    // Without values for every constraint a trial's feasibility is unknown: leave it out.
    complete = complete.filter((t) => (t.constraints?.length ?? 0) === constraintCount && t.constraints!.every((c) => !Number.isNaN(c)));
  }

  const observed = complete.length;
  let y = scalarise(complete.map((t) => t.values!), directions, rng);
  if (complete.length > maxPoints) {
    const kept = selectRows(y, maxPoints);
    complete = kept.map((i) => complete[i]);
    y = Float64Array.from(kept, (i) => y[i]);
  }
  const n = complete.length;
  const X = new Float64Array(n * D);
  complete.forEach((t, i) => encoding.encode(t.internalParams, X, i * D));
  const isCategorical = encoding.isCategorical;
  const objective: TrainingSet = { X, y: warpOutputs(y), n, dimension: D, isCategorical };

  const constraints: TrainingSet[] = [];
  const thresholds: number[] = [];
  const feasible = new Uint8Array(n).fill(1);
  for (let c = 0; c < constraintCount; c++) {
    const raw = clipInfiniteColumn(Float64Array.from(complete, (t) => t.constraints![c]));
    complete.forEach((t, i) => {
      if (!(t.constraints![c] <= 0)) feasible[i] = 0;
    });
    const { values, mean, sd } = standardise(raw);
    constraints.push({ X, y: values, n, dimension: D, isCategorical });
    thresholds.push((0 - mean) / sd);
  }

  const running = study.getTrials(['RUNNING']).filter((t) => t.number !== trial.number && hasAllParams(t));
  const pending = new Float64Array(running.length * D);
  running.forEach((t, i) => encoding.encode(t.internalParams, pending, i * D));
  return { objective, constraints, thresholds, feasible, pending, pendingCount: running.length, observed };
}

/**
 * At most `max` row indices of a training set in trial order: the best half by y (larger is better), then
 * the most recent rows: what the model needs near the optimum and where the search is now.
 */
export function selectRows(y: ArrayLike<number>, max: number): number[] {
  const n = y.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const byValue = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[b] - y[a] || a - b);
  const keep = new Set(byValue.slice(0, Math.floor(max / 2)));
  for (let i = n - 1; i >= 0 && keep.size < max; i--) keep.add(i);
  return [...keep].sort((a, b) => a - b);
}

/** Larger-is-better scalar per trial: the objective itself, or a random ParEGO scalarisation of several. */
function scalarise(values: ReadonlyArray<readonly number[]>, directions: readonly Direction[], rng: Rng): Float64Array {
  const n = values.length;
  const k = directions.length;
  // Minimisation form, infinities clipped to the finite range of their objective.
  const columns = directions.map((dir, j) => {
    const col = Float64Array.from(values, (v) => (dir === 'maximize' ? -v[j] : v[j]));
    return clipInfiniteColumn(col);
  });
  if (k === 1) return Float64Array.from(columns[0], (v) => -v);
  const weights = Float64Array.from({ length: k }, () => -Math.log(1 - rng.random()));
  const total = weights.reduce((a, b) => a + b, 0);
  for (let j = 0; j < k; j++) weights[j] /= total;
  const out = new Float64Array(n);
  const ranges = columns.map((col) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of col) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return { lo, span: hi > lo ? hi - lo : 1 };
  });
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = (weights[j] * (columns[j][i] - ranges[j].lo)) / ranges[j].span;
      max = Math.max(max, v);
      sum += v;
    }
    out[i] = -(max + PAREGO_RHO * sum);
  }
  return out;
}

function clipInfiniteColumn(col: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of col) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo > hi) {
    lo = 0;
    hi = 0;
  }
  for (let i = 0; i < col.length; i++) if (!Number.isFinite(col[i])) col[i] = col[i] > 0 ? hi : lo;
  return col;
}
