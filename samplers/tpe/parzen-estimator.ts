import type { Rng } from '../../src/core/rng.js';
import { magicClipFloor, neighbourBandwidths, scottRangeBandwidth, scottSpreadBandwidth } from './bandwidth.js';
import { logNormalMass, logNormalMassAround, sampleTruncatedNormal } from './normal.js';
import { NORMAL_CDF_CHORD_ERROR, normalCdfChord } from './normal-cdf-chord.js';
import type { ParamDomain } from './param-domain.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Most cached grid-axis terms one logPdf call keeps (values × components): 32 MB of doubles. */
const MAX_GRID_TERMS = 1 << 22;
/** Points scored together per pass over the components (continuous axes). */
const BLOCK = 4;

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

interface NumericKernels {
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

type ContinuousPrepared = NumericKernels & { readonly inv: Float64Array; readonly c0: Float64Array };
type PreparedKernels = CategoricalKernels | NumericKernels | ContinuousPrepared;

interface CategoricalKernels {
  readonly kind: 'categorical';
  readonly nChoices: number;
  /** log probabilities, component-major: logProbs[k * nChoices + c]. */
  readonly logProbs: Float64Array;
}

/**
 * A Parzen estimator (Bergstra et al. 2011): a weighted mixture of product kernels, one component per
 * observation plus an optional prior component covering the box. Truncated Gaussians on numeric axes
 * (integrated over a step on grids), smoothed one-hot distributions on categorical ones. With one parameter it
 * is the univariate estimator; with several it is the multivariate one (Falkner et al. 2018, Optuna).
 */
export class ParzenEstimator {
  private readonly kernels: (NumericKernels | CategoricalKernels)[] = [];
  /** log of the normalised component weights. */
  private readonly logWeights: Float64Array;
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
  ) {
    const n = weights.length;
    const considerPrior = options.considerPrior || n === 0;
    const K = n + (considerPrior ? 1 : 0);
    this.nComponents = K;
    const w = new Float64Array(K);
    let total = 0;
    for (let i = 0; i < n; i++) total += w[i] = weights[i];
    if (considerPrior) total += w[n] = options.priorWeight;
    this.weightsWithPrior = w;
    this.totalWeight = total;
    this.logWeights = new Float64Array(K);
    for (let k = 0; k < K; k++) this.logWeights[k] = Math.log(w[k] / total);
    const dims = domains.length;
    domains.forEach((domain, j) => {
      const xs = observations[j];
      if (domain.kind === 'categorical') {
        const nc = domain.nChoices;
        const logProbs = new Float64Array(K * nc);
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
      const mus = new Float64Array(K);
      const allSigmas = new Float64Array(K);
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
      const same = step !== undefined ? firstSameKernel(mus, allSigmas) : undefined;
      const kern: NumericKernels = { kind: 'numeric', low, high, step, mus, sigmas: allSigmas, logZ: undefined, same };
      if (step !== undefined) exactLogZ(kern);
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
  scanRows(points: Points, visit: (i: number, row: Float64Array, max: number, cut: number) => void, bounded = false): void {
    const m = points.length > 0 ? points[0].length : 0;
    const K = this.nComponents;
    const prepared = this.prepared(bounded);
    // One row of component terms at a time: stays in cache and allocates nothing per point.
    const row = new Float64Array(K);
    if (this.allContinuous(prepared)) {
      const base = bounded ? this.boundedBase()!.base : this.continuousBase(prepared as ContinuousPrepared[]);
      this.scanContinuous(points, prepared as ContinuousPrepared[], base, row, m, visit);
      return;
    }
    const start = bounded ? this.boundedBase()!.base : this.logWeights;
    const gridTerms = prepared.map((kern, j) => (kern.kind === 'numeric' && kern.step !== undefined ? this.gridTermsOf(kern, points[j]) : undefined));
    if (bounded && prepared.every((kern, j) => kern.kind === 'categorical' || kern.step === undefined || gridTerms[j])) {
      this.scanMixedForBounds(points, prepared, gridTerms, start, row, m, visit);
      return;
    }
    for (let i = 0; i < m; i++) {
      row.set(start);
      for (let j = 0; j < prepared.length; j++) {
        const kern = prepared[j];
        const x = points[j][i];
        if (kern.kind === 'categorical') {
          const nc = kern.nChoices;
          const lp = kern.logProbs;
          for (let k = 0; k < K; k++) row[k] += lp[k * nc + x];
        } else if (kern.step === undefined) {
          const { mus, inv, c0 } = kern as ContinuousPrepared;
          for (let k = 0; k < K; k++) {
            const z = (x - mus[k]) * inv[k];
            row[k] += c0[k] - 0.5 * z * z;
          }
        } else {
          const terms = gridTerms[j];
          const at = terms?.offsets.get(x);
          if (terms && at !== undefined) {
            const t = terms.values;
            for (let k = 0; k < K; k++) row[k] += t[at + k];
          } else {
            const { mus, sigmas } = kern;
            const logZ = exactLogZ(kern);
            const half = kern.step / 2;
            for (let k = 0; k < K; k++) row[k] += logNormalMass((x - half - mus[k]) / sigmas[k], (x + half - mus[k]) / sigmas[k]) - logZ[k];
          }
        }
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (row[k] > max) max = row[k];
      // Terms more than 40 nats below the largest add less than 1e-17 relative.
      visit(i, row, max, max - 40);
    }
  }

  /**
   * Rows for bounds on mixed axes. Only the rows' values matter here, not the order their terms are added in
   * (rowError covers the rounding), so the terms of the grid and categorical axes are summed once per distinct
   * combination of the points' values on them (candidates repeat: 11 values of an int for 24 candidates), and
   * each point then needs one pass for its plain axes and the largest term.
   */
  private scanMixedForBounds(
    points: Points,
    prepared: PreparedKernels[],
    gridTerms: ({ offsets: Map<number, number>; values: Float64Array } | undefined)[],
    start: Float64Array,
    row: Float64Array,
    m: number,
    visit: (i: number, row: Float64Array, max: number, cut: number) => void,
  ): void {
    const K = this.nComponents;
    const discrete = prepared.flatMap((kern, j) => (kern.kind === 'categorical' || kern.step !== undefined ? [j] : []));
    const plain = prepared.flatMap((kern, j) => (kern.kind === 'numeric' && kern.step === undefined ? [kern as ContinuousPrepared] : []));
    const plainAxes = prepared.flatMap((kern, j) => (kern.kind === 'numeric' && kern.step === undefined ? [j] : []));
    if (discrete.length === 1 && plain.length === 2 && gridTerms[discrete[0]] && m >= BLOCK) {
      this.scanGridAndTwoPlain(points, discrete[0], plainAxes, plain, gridTerms[discrete[0]]!, start, row, m, visit);
      return;
    }
    const groups = new Map<string, number[]>();
    for (let i = 0; i < m; i++) {
      const key = discrete.map((j) => points[j][i]).join(',');
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    }
    const shared = new Float64Array(K);
    for (const members of groups.values()) {
      const first = members[0];
      shared.set(start);
      for (const j of discrete) {
        const kern = prepared[j];
        const x = points[j][first];
        if (kern.kind === 'categorical') {
          const nc = kern.nChoices;
          const lp = kern.logProbs;
          for (let k = 0; k < K; k++) shared[k] += lp[k * nc + x];
        } else {
          const terms = gridTerms[j]!;
          const t = terms.values;
          const at = terms.offsets.get(x)!;
          for (let k = 0; k < K; k++) shared[k] += t[at + k];
        }
      }
      for (const i of members) {
        let max = -Infinity;
        if (plain.length === 0) {
          row.set(shared);
          for (let k = 0; k < K; k++) if (row[k] > max) max = row[k];
        } else if (plain.length === 2) {
          const am = plain[0].mus, ai = plain[0].inv, bm = plain[1].mus, bi = plain[1].inv;
          const x = points[plainAxes[0]][i];
          const y = points[plainAxes[1]][i];
          for (let k = 0; k < K; k++) {
            const zx = (x - am[k]) * ai[k];
            const zy = (y - bm[k]) * bi[k];
            const r = shared[k] - 0.5 * (zx * zx + zy * zy);
            row[k] = r;
            if (r > max) max = r;
          }
        } else {
          row.set(shared);
          plain.forEach(({ mus, inv }, p) => {
            const x = points[plainAxes[p]][i];
            for (let k = 0; k < K; k++) {
              const z = (x - mus[k]) * inv[k];
              row[k] -= 0.5 * z * z;
            }
          });
          for (let k = 0; k < K; k++) if (row[k] > max) max = row[k];
        }
        visit(i, row, max, max - 40);
      }
    }
  }

  /**
   * Rows for bounds on one grid axis and two plain ones (bench/throughput's space: two floats and an int), four
   * points per pass over the components as scanBlock2 does, each point adding its own value's grid terms: the
   * same terms, added in the same order, as the grouped pass of scanMixedForBounds (start + grid term, then the
   * plain axes), without a pass per distinct grid value to sum them first. Four independent chains and one load
   * of the kernel constants for four points.
   */
  private scanGridAndTwoPlain(
    points: Points,
    gridAxis: number,
    plainAxes: number[],
    plain: ContinuousPrepared[],
    terms: { offsets: Map<number, number>; values: Float64Array },
    start: Float64Array,
    row: Float64Array,
    m: number,
    visit: (i: number, row: Float64Array, max: number, cut: number) => void,
  ): void {
    const K = this.nComponents;
    const tv = terms.values;
    const am = plain[0].mus, ai = plain[0].inv, bm = plain[1].mus, bi = plain[1].inv;
    const xs = points[plainAxes[0]], ys = points[plainAxes[1]], vs = points[gridAxis];
    const r1 = new Float64Array(K), r2 = new Float64Array(K), r3 = new Float64Array(K);
    const rows = [row, r1, r2, r3];
    let i = 0;
    for (; i + BLOCK <= m; i += BLOCK) {
      const o0 = terms.offsets.get(vs[i])!, o1 = terms.offsets.get(vs[i + 1])!, o2 = terms.offsets.get(vs[i + 2])!, o3 = terms.offsets.get(vs[i + 3])!;
      const x0 = xs[i], x1 = xs[i + 1], x2 = xs[i + 2], x3 = xs[i + 3];
      const y0 = ys[i], y1 = ys[i + 1], y2 = ys[i + 2], y3 = ys[i + 3];
      let m0 = -Infinity, m1 = -Infinity, m2 = -Infinity, m3 = -Infinity;
      for (let k = 0; k < K; k++) {
        const mx = am[k], ix = ai[k], my = bm[k], iy = bi[k], c = start[k];
        const zx0 = (x0 - mx) * ix, zy0 = (y0 - my) * iy;
        const zx1 = (x1 - mx) * ix, zy1 = (y1 - my) * iy;
        const zx2 = (x2 - mx) * ix, zy2 = (y2 - my) * iy;
        const zx3 = (x3 - mx) * ix, zy3 = (y3 - my) * iy;
        const t0 = c + tv[o0 + k] - 0.5 * (zx0 * zx0 + zy0 * zy0);
        const t1 = c + tv[o1 + k] - 0.5 * (zx1 * zx1 + zy1 * zy1);
        const t2 = c + tv[o2 + k] - 0.5 * (zx2 * zx2 + zy2 * zy2);
        const t3 = c + tv[o3 + k] - 0.5 * (zx3 * zx3 + zy3 * zy3);
        row[k] = t0;
        r1[k] = t1;
        r2[k] = t2;
        r3[k] = t3;
        if (t0 > m0) m0 = t0;
        if (t1 > m1) m1 = t1;
        if (t2 > m2) m2 = t2;
        if (t3 > m3) m3 = t3;
      }
      visit(i, row, m0, m0 - 40);
      visit(i + 1, r1, m1, m1 - 40);
      visit(i + 2, r2, m2, m2 - 40);
      visit(i + 3, r3, m3, m3 - 40);
    }
    for (; i < m; i++) {
      const o = terms.offsets.get(vs[i])!;
      const x = xs[i], y = ys[i];
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        const zx = (x - am[k]) * ai[k];
        const zy = (y - bm[k]) * bi[k];
        const t = start[k] + tv[o + k] - 0.5 * (zx * zx + zy * zy);
        row[k] = t;
        if (t > max) max = t;
      }
      visit(i, rows[0], max, max - 40);
    }
  }

  /**
   * The per-component log masses of a grid axis for each value among the points. Candidates on a grid axis
   * repeat (an int in [0, 10] has 11 values for 24 candidates), and the step mass (two erfc per component) is
   * the dominant cost at thousands of components: computed once per value and per distinct kernel (see
   * firstSameKernel), the sums are the same numbers as computed per point and component. Undefined when the
   * table would be large.
   */
  private gridTermsOf(kern: NumericKernels, xs: Float64Array): { offsets: Map<number, number>; values: Float64Array } | undefined {
    const K = this.nComponents;
    const distinct = [...new Set(xs)];
    if (distinct.length * K > MAX_GRID_TERMS) return undefined;
    const { mus, sigmas } = kern;
    const logZ = exactLogZ(kern);
    const half = kern.step! / 2;
    const values = new Float64Array(distinct.length * K);
    const offsets = new Map<number, number>();
    const same = kern.same;
    distinct.forEach((x, r) => {
      const at = r * K;
      offsets.set(x, at);
      for (let k = 0; k < K; k++) {
        const first = same ? same[k] : k;
        values[at + k] = first < k ? values[at + first] : logNormalMass((x - half - mus[k]) / sigmas[k], (x + half - mus[k]) / sigmas[k]) - logZ[k];
      }
    });
    return { offsets, values };
  }

  private allContinuous(prepared: PreparedKernels[]): boolean {
    return prepared.every((k) => k.kind === 'numeric' && k.step === undefined);
  }

  /**
   * The hot path (every axis a plain float): each component's log term is a per-component constant (log weight
   * + normalisers) minus half the squared scaled distance, built in one pass per point.
   */
  private scanContinuous(
    points: Points,
    prepared: ContinuousPrepared[],
    base: Float64Array,
    row: Float64Array,
    m: number,
    visit: (i: number, row: Float64Array, max: number, cut: number) => void,
  ): void {
    const K = this.nComponents;
    const d = prepared.length;
    // e^-37 ≈ 1e-16: terms further below the largest are below double precision relative to it.
    const CUT = 37;
    let i = 0;
    if (d >= 2 && m >= BLOCK) {
      // Four points per pass over the components: the kernel constants are loaded once for all four, and the
      // four sums are independent chains. Each point's terms are the same operations as one at a time.
      const rows = [row, new Float64Array(K), new Float64Array(K), new Float64Array(K)];
      const max = new Float64Array(BLOCK);
      for (; i + BLOCK <= m; i += BLOCK) {
        if (d === 2) this.scanBlock2(points, prepared, base, i, rows, max);
        else this.scanBlockMany(points, prepared, base, i, rows, max);
        for (let b = 0; b < BLOCK; b++) visit(i + b, rows[b], max[b], max[b] - CUT);
      }
    }
    const xs = new Float64Array(d);
    for (; i < m; i++) {
      let max = -Infinity;
      if (d === 1) {
        const { mus, inv } = prepared[0];
        const x = points[0][i];
        for (let k = 0; k < K; k++) {
          const z = (x - mus[k]) * inv[k];
          const r = base[k] - 0.5 * z * z;
          row[k] = r;
          if (r > max) max = r;
        }
      } else if (d === 2) {
        const am = prepared[0].mus;
        const ai = prepared[0].inv;
        const bm = prepared[1].mus;
        const bi = prepared[1].inv;
        const x = points[0][i];
        const y = points[1][i];
        for (let k = 0; k < K; k++) {
          const zx = (x - am[k]) * ai[k];
          const zy = (y - bm[k]) * bi[k];
          const r = base[k] - 0.5 * (zx * zx + zy * zy);
          row[k] = r;
          if (r > max) max = r;
        }
      } else {
        // Component-major: each component's terms in registers, axes subtracted in the same order as an
        // axis-at-a-time pass would (so the same numbers), without d passes over the row.
        const { mus, inv } = this.interleaved(prepared);
        for (let j = 0; j < d; j++) xs[j] = points[j][i];
        for (let k = 0, at = 0; k < K; k++, at += d) {
          let r = base[k];
          for (let j = 0; j < d; j++) {
            const z = (xs[j] - mus[at + j]) * inv[at + j];
            r -= 0.5 * z * z;
          }
          row[k] = r;
          if (r > max) max = r;
        }
      }
      visit(i, row, max, max - CUT);
    }
  }

  /** Rows of points i … i+3 on two axes (the d = 2 formula of the one-point loop). */
  private scanBlock2(points: Points, prepared: ContinuousPrepared[], base: Float64Array, i: number, rows: Float64Array[], max: Float64Array): void {
    const K = this.nComponents;
    const am = prepared[0].mus;
    const ai = prepared[0].inv;
    const bm = prepared[1].mus;
    const bi = prepared[1].inv;
    const [r0, r1, r2, r3] = rows;
    const x0 = points[0][i], x1 = points[0][i + 1], x2 = points[0][i + 2], x3 = points[0][i + 3];
    const y0 = points[1][i], y1 = points[1][i + 1], y2 = points[1][i + 2], y3 = points[1][i + 3];
    let m0 = -Infinity, m1 = -Infinity, m2 = -Infinity, m3 = -Infinity;
    for (let k = 0; k < K; k++) {
      const mx = am[k], ix = ai[k], my = bm[k], iy = bi[k], c = base[k];
      const zx0 = (x0 - mx) * ix, zy0 = (y0 - my) * iy;
      const zx1 = (x1 - mx) * ix, zy1 = (y1 - my) * iy;
      const zx2 = (x2 - mx) * ix, zy2 = (y2 - my) * iy;
      const zx3 = (x3 - mx) * ix, zy3 = (y3 - my) * iy;
      const t0 = c - 0.5 * (zx0 * zx0 + zy0 * zy0);
      const t1 = c - 0.5 * (zx1 * zx1 + zy1 * zy1);
      const t2 = c - 0.5 * (zx2 * zx2 + zy2 * zy2);
      const t3 = c - 0.5 * (zx3 * zx3 + zy3 * zy3);
      r0[k] = t0;
      r1[k] = t1;
      r2[k] = t2;
      r3[k] = t3;
      if (t0 > m0) m0 = t0;
      if (t1 > m1) m1 = t1;
      if (t2 > m2) m2 = t2;
      if (t3 > m3) m3 = t3;
    }
    max[0] = m0;
    max[1] = m1;
    max[2] = m2;
    max[3] = m3;
  }

  /** Rows of points i … i+3 on three or more axes (the component-major formula of the one-point loop). */
  private scanBlockMany(points: Points, prepared: ContinuousPrepared[], base: Float64Array, i: number, rows: Float64Array[], max: Float64Array): void {
    const K = this.nComponents;
    const d = prepared.length;
    const { mus, inv } = this.interleaved(prepared);
    const xs = new Float64Array(BLOCK * d);
    for (let j = 0; j < d; j++) for (let b = 0; b < BLOCK; b++) xs[j * BLOCK + b] = points[j][i + b];
    const [r0, r1, r2, r3] = rows;
    let m0 = -Infinity, m1 = -Infinity, m2 = -Infinity, m3 = -Infinity;
    for (let k = 0, at = 0; k < K; k++, at += d) {
      let t0 = base[k];
      let t1 = t0;
      let t2 = t0;
      let t3 = t0;
      for (let j = 0, x = 0; j < d; j++, x += BLOCK) {
        const mu = mus[at + j];
        const iv = inv[at + j];
        const z0 = (xs[x] - mu) * iv;
        const z1 = (xs[x + 1] - mu) * iv;
        const z2 = (xs[x + 2] - mu) * iv;
        const z3 = (xs[x + 3] - mu) * iv;
        t0 -= 0.5 * z0 * z0;
        t1 -= 0.5 * z1 * z1;
        t2 -= 0.5 * z2 * z2;
        t3 -= 0.5 * z3 * z3;
      }
      r0[k] = t0;
      r1[k] = t1;
      r2[k] = t2;
      r3[k] = t3;
      if (t0 > m0) m0 = t0;
      if (t1 > m1) m1 = t1;
      if (t2 > m2) m2 = t2;
      if (t3 > m3) m3 = t3;
    }
    max[0] = m0;
    max[1] = m1;
    max[2] = m2;
    max[3] = m3;
  }

  private base: Float64Array | undefined;
  private interleavedKernels: { mus: Float64Array; inv: Float64Array } | undefined;

  /** Centres and inverse widths component-major (mus[k · d + j]), for the many-axes scan. */
  private interleaved(prepared: ContinuousPrepared[]): { mus: Float64Array; inv: Float64Array } {
    if (this.interleavedKernels) return this.interleavedKernels;
    const d = prepared.length;
    const K = this.nComponents;
    const mus = new Float64Array(K * d);
    const inv = new Float64Array(K * d);
    const fromMus = prepared.map((p) => p.mus);
    const fromInv = prepared.map((p) => p.inv);
    // Written in order (the reads stream through d columns).
    for (let k = 0, at = 0; k < K; k++) {
      for (let j = 0; j < d; j++, at++) {
        mus[at] = fromMus[j][k];
        inv[at] = fromInv[j][k];
      }
    }
    this.interleavedKernels = { mus, inv };
    return this.interleavedKernels;
  }

  private continuousBase(prepared: ContinuousPrepared[]): Float64Array {
    if (this.base) return this.base;
    const base = Float64Array.from(this.logWeights);
    for (const p of prepared) for (let k = 0; k < base.length; k++) base[k] += p.c0[k];
    this.base = base;
    return base;
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
      if (bounded) return { ...kern, inv, c0: (zeros ??= new Float64Array(this.nComponents)) };
      const K = kern.mus.length;
      const c0 = new Float64Array(K);
      const logZ = exactLogZ(kern);
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
      inv = new Float64Array(kern.sigmas.length);
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
    const base = Float64Array.from(this.logWeights);
    // `largest` bounds every component's sum of magnitudes by the sum of each part's largest magnitude.
    let largest = 0;
    for (let k = 0; k < K; k++) largest = Math.max(largest, Math.abs(base[k]));
    const mass = new Float64Array(K).fill(1);
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
    let largestLogMass = 0;
    for (let k = 0; k < K; k++) {
      const logMass = Math.log(mass[k]);
      base[k] -= logMass;
      largestLogMass = Math.max(largestLogMass, Math.abs(logMass));
    }
    largest += largestLogMass;
    // Each axis' mass is within 2 · NORMAL_CDF_CHORD_ERROR of the exact one (plus a / b by a multiply instead
    // of a divide: 1e-14), relative ≤ that / the axis' smallest mass (≥ MIN_BOUNDED_MASS; the exact mass is at
    // most 1e-5 relative below the table's, hence the last factor). Most kernels sit well inside their box
    // (masses near 1, edge ones near 1/2), so this is two to four times tighter than dividing by
    // MIN_BOUNDED_MASS, and fewer asks need the exact scores.
    const error = ((2 * NORMAL_CDF_CHORD_ERROR + 1e-13) * inverseMinMasses) / (1 - 1e-5);
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

/** The kernels' exact truncation normalisers (normal.ts' logNormalMass), computed once per axis. */
function exactLogZ(kern: NumericKernels): Float64Array {
  if (kern.logZ) return kern.logZ;
  const { mus, sigmas, low, high, same } = kern;
  const K = mus.length;
  const logZ = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const r = same ? same[k] : k;
    logZ[k] = r < k ? logZ[r] : logNormalMassAround((low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k]);
  }
  kern.logZ = logZ;
  return logZ;
}

/** log Σ exp(row[k]) over the terms above `cut`, summed in component order relative to the largest term. */
export function logSumExpOfRow(row: Float64Array, max: number, cut: number): number {
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < row.length; k++) {
    const r = row[k];
    if (r > cut) sum += Math.exp(r - max);
  }
  return max + Math.log(sum);
}

/**
 * For each component, the index of the first component with exactly the same centre and width (itself if none).
 * On a grid axis the centres are the few grid values and multivariate kernels share one width per axis, so
 * thousands of components are a handful of distinct kernels: their masses are computed once and copied.
 */
function firstSameKernel(mus: Float64Array, sigmas: Float64Array): Int32Array {
  // The first component of each centre. A grid has a few values, and a short list scanned linearly is several
  // times cheaper than hashing a double per component; past SHORT_LIST centres, a Map (the list's equality is
  // the Map's SameValueZero: NaN finds NaN, 0 finds −0).
  const centres = new Float64Array(SHORT_LIST);
  const firsts = new Int32Array(SHORT_LIST);
  let listed = 0;
  let firstAt: Map<number, number> | undefined;
  const same = new Int32Array(mus.length);
  for (let k = 0; k < mus.length; k++) {
    const mu = mus[k];
    let first = -1;
    if (firstAt) first = firstAt.get(mu) ?? -1;
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
        if (firstAt) firstAt.set(mu, k);
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

const SHORT_LIST = 16;
