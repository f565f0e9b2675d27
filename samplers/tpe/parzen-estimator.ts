import type { Rng } from '../../src/core/rng.js';
import { magicClipFloor, neighbourBandwidths, scottRangeBandwidth, scottSpreadBandwidth } from './bandwidth.js';
import {
  allContinuous,
  continuousBase,
  gridTermsOf,
  type InterleavedKernels,
  interleaveKernels,
  logSumExpOfRow,
  type RowVisitor,
  scanContinuous,
  scanMixedForBounds,
  scanMixedOneByOne,
} from './component-row-scan.js';
import { sampleTruncatedNormal } from './normal.js';
import { NORMAL_CDF_CHORD_ERROR, normalCdfChord } from './normal-cdf-chord.js';
import type { ParamDomain } from './param-domain.js';
import { FRESH_ARRAYS, type Scratch } from './scratch-buffers.js';
import {
  type CategoricalKernels,
  type ContinuousPrepared,
  exactLogZ,
  firstSameKernel,
  type NumericKernels,
  type PreparedKernels,
} from './parzen-kernels.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** How kernels are sized; see bandwidth.ts and samplers/tpe/README.md. */
export interface ParzenOptions {
  readonly considerPrior: boolean;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  /** Joint kernels over all params (one bandwidth per axis) rather than one estimator per param. */
  readonly multivariate: boolean;
  /** Multivariate bandwidth: Optuna's range rule, or hpo's spread rule scaled by `bandwidthFactor`. */
  readonly bandwidth: 'optuna' | 'spread';
  readonly bandwidthFactor: number;
  /** Multiplies the magic-clip floor (1 = Optuna's). */
  readonly clipScale: number;
}

/** Points on the estimator's axes: one column per parameter, all of the same length. */
export type Points = Float64Array[];

/**
 * A Parzen estimator (Bergstra et al. 2011): a weighted mixture of product kernels, one component per
 * observation plus an optional prior component covering the box. Truncated Gaussians on numeric axes
 * (integrated over a step on grids), smoothed one-hot distributions on categorical ones. With one parameter it
 * is the univariate estimator; with several it is the multivariate one (Falkner et al. 2018, Optuna).
 */
export class ParzenEstimator {
  private readonly kernels: (NumericKernels | CategoricalKernels)[] = [];
  /**
   * log of the normalised component weights, computed on the first exact density (logWeights()): g is usually
   * decided by bounds alone (certified-argmax.ts), whose base takes one log per component for weight and masses
   * together, so a log per component here would be spent on every ask for nothing.
   */
  private logWeightsKept: Float64Array | undefined;
  /** Unnormalised component weights and their total (cumulative weights are built on the first draw). */
  private readonly weightsWithPrior: Float64Array;
  private readonly totalWeight: number;
  private cumWeights: Float64Array | undefined;
  readonly nComponents: number;

  /**
   * `observations[j][i]` is observation i on axis j (already on the axis: log-transformed where log);
   * `weights[i]` its weight before normalisation.
   */
  constructor(
    readonly domains: readonly ParamDomain[],
    observations: Points,
    weights: Float64Array,
    options: ParzenOptions,
    /**
     * Univariate widths per axis when the caller has them already (neighbourBandwidthsInOrder on these
     * observations and the prior's centre): the same numbers the neighbour rule gives here, without its sort.
     */
    neighbourWidths?: readonly (Float64Array | undefined)[],
    /** Where its arrays come from: a sampler's step buffers (scratch-buffers.ts; the estimator dies with the step). */
    private readonly scratch: Scratch = FRESH_ARRAYS,
  ) {
    const n = weights.length;
    const considerPrior = options.considerPrior || n === 0;
    const K = n + (considerPrior ? 1 : 0);
    this.nComponents = K;
    const w = scratch.f64(K);
    let total = 0;
    for (let i = 0; i < n; i++) total += w[i] = weights[i];
    if (considerPrior) total += w[n] = options.priorWeight;
    this.weightsWithPrior = w;
    this.totalWeight = total;
    const dims = domains.length;
    domains.forEach((domain, j) => {
      const xs = observations[j];
      if (domain.kind === 'categorical') {
        const nc = domain.nChoices;
        const logProbs = scratch.f64(K * nc, false);
        const base = options.priorWeight / K;
        // A component's row depends only on its observed choice: nc + 1 distinct rows, not K · nc logs.
        const rowOf = new Map<number, Float64Array>();
        for (let k = 0; k < K; k++) {
          const observed = k < n ? xs[k] : -1;
          let row = rowOf.get(observed);
          if (!row) {
            row = new Float64Array(nc);
            const rowSum = base * nc + (observed >= 0 ? 1 : 0);
            for (let c = 0; c < nc; c++) row[c] = Math.log((base + (c === observed ? 1 : 0)) / rowSum);
            rowOf.set(observed, row);
          }
          logProbs.set(row, k * nc);
        }
        this.kernels.push({ kind: 'categorical', nChoices: nc, logProbs });
        return;
      }
      const { low, high, step } = domain;
      const range = high - low;
      const floor = options.considerMagicClip ? options.clipScale * magicClipFloor(low, high, K) : range * 1e-12;
      const clip = (sigma: number) => Math.min(range, Math.max(floor, sigma));
      const mus = scratch.f64(K);
      const allSigmas = scratch.f64(K);
      mus.set(xs.subarray(0, n));
      if (!options.multivariate) {
        // NOTE: Optuna puts the prior's centre among the neighbours whether or not the prior is used.
        const withPrior = new Float64Array(n + 1);
        withPrior.set(xs.subarray(0, n));
        withPrior[n] = 0.5 * (low + high);
        const sigmas = neighbourWidths?.[j] ?? neighbourBandwidths(withPrior, low, high, options.considerEndpoints);
        for (let i = 0; i < n; i++) allSigmas[i] = clip(sigmas[i]);
      } else {
        // Multivariate rules give every observation of an axis the same width.
        const sigma = options.bandwidth === 'spread'
          ? scottSpreadBandwidth(xs.subarray(0, n), weights, dims, low, high, options.bandwidthFactor)
          : scottRangeBandwidth(n, dims, low, high);
        allSigmas.fill(clip(sigma), 0, n);
      }
      if (considerPrior) {
        mus[n] = 0.5 * (low + high);
        allSigmas[n] = range;
      }
      const same = step !== undefined
        ? firstSameKernel(mus, allSigmas, scratch, { first: low + step / 2, step, count: Math.round(range / step) })
        : undefined;
      const kern: NumericKernels = { kind: 'numeric', low, high, step, mus, sigmas: allSigmas, logZ: undefined, same };
      if (step !== undefined) exactLogZ(kern, scratch);
      this.kernels.push(kern);
    });
  }

  /**
   * m draws: a component by weight, then each axis from that component's kernel (grids rounded to the step).
   * A `marginalFraction` of the draws pick a component per axis instead (a draw from the product of l's marginals).
   */
  sample(rng: Rng, m: number, marginalFraction = 0): Points {
    const out: Points = this.domains.map(() => new Float64Array(m));
    for (let i = 0; i < m; i++) {
      const joint = rng.random() >= marginalFraction;
      const shared = this.pickComponent(rng.random());
      this.kernels.forEach((kern, j) => {
        const k = joint ? shared : this.pickComponent(rng.random());
        if (kern.kind === 'categorical') {
          const u = rng.random();
          let acc = 0;
          let c = 0;
          for (; c < kern.nChoices - 1; c++) {
            acc += Math.exp(kern.logProbs[k * kern.nChoices + c]);
            if (u < acc) break;
          }
          out[j][i] = c;
          return;
        }
        let x = sampleTruncatedNormal(kern.mus[k], kern.sigmas[k], kern.low, kern.high, rng.random());
        if (kern.step !== undefined) {
          // The widened axis starts half a step below the first grid value.
          const first = kern.low + kern.step / 2;
          const last = kern.high - kern.step / 2;
          x = Math.min(last, Math.max(first, first + Math.round((x - first) / kern.step) * kern.step));
        }
        out[j][i] = x;
      });
    }
    return out;
  }

  /** log density (log mass on grid axes and categories) of each point. */
  logPdf(points: Points): Float64Array {
    const out = new Float64Array(points.length > 0 ? points[0].length : 0);
    this.scanRows(points, (i, row, max, cut) => (out[i] = logSumExpOfRow(row, max, cut)));
    return out;
  }

  /**
   * For each point, the row of per-component log terms (log weight + log kernel density, or log mass on grid
   * axes and categories), its largest term, and the cut below which a term is left out of the sum (it adds less
   * than 1e-16 relative). logPdf sums each row exactly; certified-argmax.ts bounds the sum more cheaply with the
   * very same terms. The row is reused between points: read it inside `visit` only.
   */
  scanRows(points: Points, visit: RowVisitor, bounded = false): void {
    const m = points.length > 0 ? points[0].length : 0;
    const K = this.nComponents;
    const prepared = this.prepared(bounded);
    // One row of component terms at a time: stays in cache and allocates nothing per point.
    const row = this.scratch.f64(K, false);
    if (allContinuous(prepared)) {
      const base = bounded ? this.boundedBase()!.base : this.continuousBase(prepared as ContinuousPrepared[]);
      scanContinuous(points, prepared as ContinuousPrepared[], base, row, m, visit, () => this.interleaved(prepared as ContinuousPrepared[]), this.scratch);
      return;
    }
    const start = bounded ? this.boundedBase()!.base : this.logWeights();
    const gridTerms = prepared.map((kern, j) => (kern.kind === 'numeric' && kern.step !== undefined ? gridTermsOf(kern, points[j], this.scratch) : undefined));
    if (bounded && prepared.every((kern, j) => kern.kind === 'categorical' || kern.step === undefined || gridTerms[j])) {
      scanMixedForBounds(points, prepared, gridTerms, start, row, m, visit, this.scratch);
      return;
    }
    scanMixedOneByOne(points, prepared, gridTerms, start, row, m, visit);
  }

  private logWeights(): Float64Array {
    if (this.logWeightsKept) return this.logWeightsKept;
    const w = this.weightsWithPrior;
    const total = this.totalWeight;
    const logWeights = this.scratch.f64(w.length, false);
    for (let k = 0; k < w.length; k++) logWeights[k] = Math.log(w[k] / total);
    return (this.logWeightsKept = logWeights);
  }

  private base: Float64Array | undefined;
  private interleavedKernels: InterleavedKernels | undefined;

  /** Computed on the first many-axes scan and kept: exact and bounded rows share the centres and 1/σ. */
  private interleaved(prepared: ContinuousPrepared[]): InterleavedKernels {
    return (this.interleavedKernels ??= interleaveKernels(prepared, this.nComponents, this.scratch));
  }

  private continuousBase(prepared: ContinuousPrepared[]): Float64Array {
    return (this.base ??= continuousBase(this.logWeights(), prepared, this.scratch));
  }

  private preparedKernels: PreparedKernels[] | undefined;
  private preparedForBounds: PreparedKernels[] | undefined;

  /**
   * Per-component constants of the continuous kernels (1/σ and the log normaliser), computed once. For bounds
   * the normalisers are in boundedBase instead, and the per-axis constants are zero.
   */
  private prepared(bounded = false): PreparedKernels[] {
    if (bounded && this.preparedForBounds) return this.preparedForBounds;
    if (!bounded && this.preparedKernels) return this.preparedKernels;
    let zeros: Float64Array | undefined;
    const prepared = this.kernels.map((kern, j) => {
      if (kern.kind === 'categorical' || kern.step !== undefined) return kern;
      const inv = this.inverseWidths(j, kern);
      if (bounded) return { ...kern, inv, c0: (zeros ??= this.scratch.f64(this.nComponents)) };
      const K = kern.mus.length;
      const c0 = this.scratch.f64(K, false);
      const logZ = exactLogZ(kern, this.scratch);
      // Multivariate kernels share one width per axis: one log for the run of equal widths.
      let lastSigma = NaN;
      let logSigma = NaN;
      for (let k = 0; k < K; k++) {
        const sigma = kern.sigmas[k];
        if (sigma !== lastSigma) {
          lastSigma = sigma;
          logSigma = Math.log(sigma);
        }
        c0[k] = -logSigma - LOG_SQRT_2PI - logZ[k];
      }
      return { ...kern, inv, c0 };
    });
    if (bounded) this.preparedForBounds = prepared;
    else this.preparedKernels = prepared;
    return prepared;
  }

  private readonly inverses = new Map<number, Float64Array>();

  private inverseWidths(j: number, kern: NumericKernels): Float64Array {
    let inv = this.inverses.get(j);
    if (!inv) {
      inv = this.scratch.f64(kern.sigmas.length, false);
      let lastSigma = NaN;
      let lastInv = NaN;
      for (let k = 0; k < inv.length; k++) {
        // One division per run of equal widths (multivariate kernels share theirs).
        if (kern.sigmas[k] !== lastSigma) {
          lastSigma = kern.sigmas[k];
          lastInv = 1 / lastSigma;
        }
        inv[k] = lastInv;
      }
      this.inverses.set(j, inv);
    }
    return inv;
  }

  private bounds: BoundedBase | null | undefined;

  /**
   * For bounds on the density (certified-argmax.ts): each component's log weight and continuous normalisers
   * (−log σ − log √2π − log Z per plain axis), with log Z from the chord table of Φ (normal-cdf-chord.ts) and
   * one log per component instead of per component and axis. `error` bounds how far a row built on it (and
   * rounded in another order) can be from the row logPdf builds, beyond `roundingScale` · |max| (see rowError).
   * Null when a kernel is outside the conditions the bound needs (centre outside its box, tiny mass): then
   * only exact densities are used.
   */
  boundedBase(): BoundedBase | null {
    if (this.bounds !== undefined) return this.bounds;
    const K = this.nComponents;
    const w = this.weightsWithPrior;
    const total = this.totalWeight;
    const base = this.scratch.f64(K);
    // `largest` bounds every component's sum of magnitudes by the sum of each part's largest magnitude. The log
    // weights' largest magnitude is at the smallest or largest weight (log is monotone; the margin covers its
    // last ulp).
    let minWeight = Infinity;
    let maxWeight = -Infinity;
    for (let k = 0; k < K; k++) {
      if (w[k] < minWeight) minWeight = w[k];
      if (w[k] > maxWeight) maxWeight = w[k];
    }
    const largestLogWeight = Math.max(Math.abs(Math.log(minWeight / total)), Math.abs(Math.log(maxWeight / total))) * (1 + 1e-12);
    let largest = largestLogWeight;
    const mass = this.scratch.f64(K, false).fill(1);
    let plainAxes = 0;
    let ok = true;
    // Σ over plain axes of 1 / (the axis' smallest mass): a mass's relative error is its absolute error over it.
    let inverseMinMasses = 0;
    for (const kern of this.kernels) {
      if (kern.kind === 'categorical' || kern.step !== undefined) continue;
      plainAxes++;
      const { mus, sigmas, low, high } = kern;
      let lastSigma = NaN;
      let logSigma = NaN;
      let inv = NaN;
      let axisLargest = 0;
      let axisMinMass = 1;
      for (let k = 0; k < K; k++) {
        const sigma = sigmas[k];
        if (sigma !== lastSigma) {
          lastSigma = sigma;
          logSigma = Math.log(sigma);
          inv = 1 / sigma;
          axisLargest = Math.max(axisLargest, Math.abs(logSigma) + LOG_SQRT_2PI);
        }
        const a = (low - mus[k]) * inv;
        const b = (high - mus[k]) * inv;
        const m = normalCdfChord(b) - normalCdfChord(a);
        // A centre inside its box and a width at most the box's keep every mass above 0.34.
        if (!(a <= 0 && b >= 0 && m >= MIN_BOUNDED_MASS)) ok = false;
        if (m < axisMinMass) axisMinMass = m;
        mass[k] *= m;
        base[k] += -logSigma - LOG_SQRT_2PI;
      }
      largest += axisLargest;
      inverseMinMasses += 1 / axisMinMass;
    }
    // Products of up to MAX_BOUNDED_AXES masses ≥ 1/4 stay normal doubles.
    if (!ok || plainAxes > MAX_BOUNDED_AXES) return (this.bounds = null);
    // One log per component for its weight and its masses together: log(w / (total · mass)) instead of
    // log(w / total) − log(mass). The two roundings of the argument (relative ≤ ε together) and the log's last ulp
    // move the base by at most ε · (1 + |log|), added to the error below. The masses' largest log magnitude is at
    // the smallest or largest product, as for the weights.
    let minMass = Infinity;
    let maxMass = -Infinity;
    for (let k = 0; k < K; k++) {
      const m = mass[k];
      base[k] += Math.log(w[k] / (total * m));
      if (m < minMass) minMass = m;
      if (m > maxMass) maxMass = m;
    }
    const largestLogMass = K > 0 ? Math.max(Math.abs(Math.log(minMass)), Math.abs(Math.log(maxMass))) * (1 + 1e-12) : 0;
    largest += largestLogMass;
    // Each axis' mass is within 2 · NORMAL_CDF_CHORD_ERROR of the exact one (plus a / b by a multiply instead
    // of a divide: 1e-14), relative ≤ that / the axis' smallest mass (≥ MIN_BOUNDED_MASS; the exact mass is at
    // most 1e-5 relative below the table's, hence the last factor). Most kernels sit well inside their box
    // (masses near 1, edge ones near 1/2), so this is two to four times tighter than dividing by
    // MIN_BOUNDED_MASS, and fewer asks need the exact scores.
    const error = ((2 * NORMAL_CDF_CHORD_ERROR + 1e-13) * inverseMinMasses) / (1 - 1e-5) +
      2 * Number.EPSILON * (1 + largestLogWeight + largestLogMass);
    const dims = this.kernels.length;
    this.bounds = { base, error, largest, roundingScale: (8 * dims + 16) * (Number.EPSILON / 2) };
    return this.bounds;
  }

  /**
   * Largest distance between a row scanned for bounds and logPdf's row, for any term within 41 nats of the row's
   * largest term `max`: the normalisers' error, and rounding of sums of at most 3d + 3 terms whose magnitudes
   * are below 2 · largest + |max| + 41 (a term within 41 nats of the largest cannot have larger parts).
   */
  rowError(max: number): number {
    const b = this.boundedBase();
    if (!b) return NaN;
    return b.error + 2 * b.roundingScale * (2 * b.largest + Math.abs(max) + 41);
  }

  private pickComponent(u: number): number {
    // g is only ever scored, never sampled: its cumulative weights are not built.
    const cw = (this.cumWeights ??= cumulativeWeights(this.weightsWithPrior, this.totalWeight));
    let lo = 0;
    let hi = cw.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < cw[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function cumulativeWeights(w: Float64Array, total: number): Float64Array {
  const cum = new Float64Array(w.length);
  let acc = 0;
  for (let k = 0; k < w.length; k++) {
    acc += w[k] / total;
    cum[k] = acc;
  }
  return cum;
}

/** What boundedBase returns. */
export interface BoundedBase {
  readonly base: Float64Array;
  readonly error: number;
  readonly largest: number;
  readonly roundingScale: number;
}

const MIN_BOUNDED_MASS = 0.25;
const MAX_BOUNDED_AXES = 400;

