import { logNormalMassAround } from './normal.js';
import { FRESH_ARRAYS, type Scratch } from './scratch-buffers.js';

// The Parzen estimator's kernels, one per axis, as typed arrays over its components: what ParzenEstimator builds
// and what component-row-scan.ts reads.

export interface NumericKernels {
  readonly kind: 'numeric';
  readonly low: number;
  readonly high: number;
  readonly step: number | undefined;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /**
   * log of the kernel's mass inside [low, high] (the truncation normaliser). Grid axes compute it at once (their
   * kernels repeat, see firstSameKernel); plain axes when an exact density is first asked for (exactLogZ), as
   * the certified argmax usually needs only bounds (boundedBase).
   */
  logZ: Float64Array | undefined;
  /** Grid axes: the first component with the same centre and width as each component (see firstSameKernel). */
  readonly same: Int32Array | undefined;
}

/** A plain (no step) numeric axis with the per-component constants of its density: 1/σ and the log normaliser. */
export type ContinuousPrepared = NumericKernels & { readonly inv: Float64Array; readonly c0: Float64Array };
export type PreparedKernels = CategoricalKernels | NumericKernels | ContinuousPrepared;

export interface CategoricalKernels {
  readonly kind: 'categorical';
  readonly nChoices: number;
  /** log probabilities, component-major: logProbs[k * nChoices + c]. */
  readonly logProbs: Float64Array;
}

/** The kernels' exact truncation normalisers (normal.ts' logNormalMass), computed once per axis. */
export function exactLogZ(kern: NumericKernels, scratch: Scratch = FRESH_ARRAYS): Float64Array {
  if (kern.logZ) return kern.logZ;
  const { mus, sigmas, low, high, same } = kern;
  const K = mus.length;
  const logZ = scratch.f64(K, false);
  for (let k = 0; k < K; k++) {
    const r = same ? same[k] : k;
    logZ[k] = r < k ? logZ[r] : logNormalMassAround((low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k]);
  }
  kern.logZ = logZ;
  return logZ;
}

/**
 * For each component, the index of the first component with exactly the same centre and width (itself if none).
 * On a grid axis the centres are the few grid values and multivariate kernels share one width per axis, so
 * thousands of components are a handful of distinct kernels: their masses are computed once and copied.
 * `grid` (the axis' first value, step and number of values), when given, lets a centre find its grid value's
 * slot by rounding instead of comparing with every centre seen; a centre off the grid, or a second centre
 * rounding to a taken slot, is looked up as without it. The result does not depend on `grid`.
 */
export function firstSameKernel(
  mus: Float64Array,
  sigmas: Float64Array,
  scratch: Scratch = FRESH_ARRAYS,
  grid?: { readonly first: number; readonly step: number; readonly count: number },
): Int32Array {
  // The first component of each centre. A grid has a few values, and a short list scanned linearly is several
  // times cheaper than hashing a double per component; past SHORT_LIST centres, a Map (the list's equality is
  // the Map's SameValueZero: NaN finds NaN, 0 finds −0).
  const centres = new Float64Array(SHORT_LIST);
  const firsts = new Int32Array(SHORT_LIST);
  let listed = 0;
  let firstAt: Map<number, number> | undefined;
  const slots = grid && grid.count > 0 && grid.count <= MAX_SLOTS ? grid.count : 0;
  const slotCentre = new Float64Array(slots);
  const slotFirst = new Int32Array(slots).fill(-1);
  const invStep = grid ? 1 / grid.step : 0;
  const gridFirst = grid ? grid.first : 0;
  const same = scratch.i32(mus.length);
  for (let k = 0; k < mus.length; k++) {
    const mu = mus[k];
    let first = -1;
    // A slot holds the first centre that rounded to it; every other centre goes to the list below.
    const slot = slots > 0 ? Math.round((mu - gridFirst) * invStep) : -1;
    const inSlot = slot >= 0 && slot < slots && (slotFirst[slot] < 0 || slotCentre[slot] === mu);
    if (inSlot) first = slotFirst[slot];
    else if (firstAt) first = firstAt.get(mu) ?? -1;
    else {
      for (let q = 0; q < listed; q++) {
        const c = centres[q];
        if (c === mu || (c !== c && mu !== mu)) {
          first = firsts[q];
          break;
        }
      }
    }
    if (first >= 0 && sigmas[first] === sigmas[k]) same[k] = first;
    else {
      same[k] = k;
      if (first < 0) {
        if (inSlot) {
          slotCentre[slot] = mu;
          slotFirst[slot] = k;
        } else if (firstAt) firstAt.set(mu, k);
        else if (listed < SHORT_LIST) {
          centres[listed] = mu;
          firsts[listed++] = k;
        } else {
          firstAt = new Map();
          for (let q = 0; q < listed; q++) firstAt.set(centres[q], firsts[q]);
          firstAt.set(mu, k);
        }
      }
    }
  }
  return same;
}

const MAX_SLOTS = 4096;
const SHORT_LIST = 16;
