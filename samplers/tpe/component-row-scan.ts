import { logNormalMass } from './normal.js';
import type { Points } from './parzen-estimator.js';
import { type ContinuousPrepared, exactLogZ, type NumericKernels, type PreparedKernels } from './parzen-kernels.js';
import { FRESH_ARRAYS, type Scratch } from './scratch-buffers.js';

// Each point's row of per-component log terms (log weight + log kernel density, or log mass on grid axes and
// categories) and its largest term, over a ParzenEstimator's prepared kernels: the hot loops of an ask, shared
// by logPdf (exact rows) and certified-argmax.ts (rows for bounds). Plain functions over typed arrays; the
// estimator keeps what they cache (prepared kernels, bases, interleaved constants, grid normalisers).

/** Most cached grid-axis terms one logPdf call keeps (values × components): 32 MB of doubles. */
const MAX_GRID_TERMS = 1 << 22;
/** Points scored together per pass over the components (continuous axes). */
const BLOCK = 4;

/** Receives point i's row, its largest term and the cut below which a term is left out of the sum. */
export type RowVisitor = (i: number, row: Float64Array, max: number, cut: number) => void;

/** A grid axis' per-component log masses for each distinct value among the points: values[offsets.get(x) + k]. */
export interface GridTerms {
  readonly offsets: Map<number, number>;
  readonly values: Float64Array;
}

/** Centres and inverse widths component-major (mus[k · d + j]), for the many-axes scan. */
export interface InterleavedKernels {
  readonly mus: Float64Array;
  readonly inv: Float64Array;
}

/**
 * Rows one point at a time on any mix of axes, each axis' terms added in axis order onto `start` (the log
 * weights, or boundedBase's base): the exact rows logPdf sums when some axis is not a plain float.
 */
export function scanMixedOneByOne(
  points: Points,
  prepared: PreparedKernels[],
  gridTerms: (GridTerms | undefined)[],
  start: Float64Array,
  row: Float64Array,
  m: number,
  visit: RowVisitor,
): void {
  const K = row.length;
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
export function scanMixedForBounds(
  points: Points,
  prepared: PreparedKernels[],
  gridTerms: (GridTerms | undefined)[],
  start: Float64Array,
  row: Float64Array,
  m: number,
  visit: RowVisitor,
  scratch: Scratch = FRESH_ARRAYS,
): void {
  const K = row.length;
  const discrete = prepared.flatMap((kern, j) => (kern.kind === 'categorical' || kern.step !== undefined ? [j] : []));
  const plain = prepared.flatMap((kern, j) => (kern.kind === 'numeric' && kern.step === undefined ? [kern as ContinuousPrepared] : []));
  const plainAxes = prepared.flatMap((kern, j) => (kern.kind === 'numeric' && kern.step === undefined ? [j] : []));
  if (discrete.length === 1 && plain.length === 2 && gridTerms[discrete[0]] && m >= BLOCK) {
    scanGridAndTwoPlain(points, discrete[0], plainAxes, plain, gridTerms[discrete[0]]!, start, row, m, visit, scratch);
    return;
  }
  const groups = new Map<string, number[]>();
  for (let i = 0; i < m; i++) {
    const key = discrete.map((j) => points[j][i]).join(',');
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  const shared = scratch.f64(K, false);
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
function scanGridAndTwoPlain(
  points: Points,
  gridAxis: number,
  plainAxes: number[],
  plain: ContinuousPrepared[],
  terms: GridTerms,
  start: Float64Array,
  row: Float64Array,
  m: number,
  visit: RowVisitor,
  scratch: Scratch,
): void {
  const K = row.length;
  const tv = terms.values;
  const am = plain[0].mus, ai = plain[0].inv, bm = plain[1].mus, bi = plain[1].inv;
  const xs = points[plainAxes[0]], ys = points[plainAxes[1]], vs = points[gridAxis];
  const r1 = scratch.f64(K, false), r2 = scratch.f64(K, false), r3 = scratch.f64(K, false);
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
export function gridTermsOf(kern: NumericKernels, xs: Float64Array, scratch: Scratch = FRESH_ARRAYS): GridTerms | undefined {
  const K = kern.mus.length;
  const distinct = [...new Set(xs)];
  if (distinct.length * K > MAX_GRID_TERMS) return undefined;
  const { mus, sigmas } = kern;
  const logZ = exactLogZ(kern);
  const half = kern.step! / 2;
  const values = scratch.f64(distinct.length * K, false);
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

export function allContinuous(prepared: PreparedKernels[]): boolean {
  return prepared.every((k) => k.kind === 'numeric' && k.step === undefined);
}

/**
 * The hot path (every axis a plain float): each component's log term is a per-component constant (log weight
 * + normalisers) minus half the squared scaled distance, built in one pass per point.
 */
export function scanContinuous(
  points: Points,
  prepared: ContinuousPrepared[],
  base: Float64Array,
  row: Float64Array,
  m: number,
  visit: RowVisitor,
  interleaved: () => InterleavedKernels,
  scratch: Scratch = FRESH_ARRAYS,
): void {
  const K = row.length;
  const d = prepared.length;
  // e^-37 ≈ 1e-16: terms further below the largest are below double precision relative to it.
  const CUT = 37;
  let i = 0;
  if (d >= 2 && m >= BLOCK) {
    // Four points per pass over the components: the kernel constants are loaded once for all four, and the
    // four sums are independent chains. Each point's terms are the same operations as one at a time.
    const rows = [row, scratch.f64(K, false), scratch.f64(K, false), scratch.f64(K, false)];
    const max = new Float64Array(BLOCK);
    for (; i + BLOCK <= m; i += BLOCK) {
      if (d === 2) scanBlock2(points, prepared, base, i, rows, max);
      else scanBlockMany(points, prepared, base, i, rows, max, interleaved);
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
      const { mus, inv } = interleaved();
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
function scanBlock2(points: Points, prepared: ContinuousPrepared[], base: Float64Array, i: number, rows: Float64Array[], max: Float64Array): void {
  const K = base.length;
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
function scanBlockMany(
  points: Points,
  prepared: ContinuousPrepared[],
  base: Float64Array,
  i: number,
  rows: Float64Array[],
  max: Float64Array,
  interleaved: () => InterleavedKernels,
): void {
  const K = base.length;
  const d = prepared.length;
  const { mus, inv } = interleaved();
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

/** Centres and inverse widths of the plain axes laid out component-major (see InterleavedKernels). */
export function interleaveKernels(prepared: ContinuousPrepared[], K: number, scratch: Scratch = FRESH_ARRAYS): InterleavedKernels {
  const d = prepared.length;
  const mus = scratch.f64(K * d, false);
  const inv = scratch.f64(K * d, false);
  const fromMus = prepared.map((p) => p.mus);
  const fromInv = prepared.map((p) => p.inv);
  // Written in order (the reads stream through d columns).
  for (let k = 0, at = 0; k < K; k++) {
    for (let j = 0; j < d; j++, at++) {
      mus[at] = fromMus[j][k];
      inv[at] = fromInv[j][k];
    }
  }
  return { mus, inv };
}

/** Each component's constant on all-plain axes: its log weight plus every axis' log normaliser (c0). */
export function continuousBase(logWeights: Float64Array, prepared: ContinuousPrepared[], scratch: Scratch = FRESH_ARRAYS): Float64Array {
  const base = scratch.f64(logWeights.length, false);
  base.set(logWeights);
  for (const p of prepared) for (let k = 0; k < base.length; k++) base[k] += p.c0[k];
  return base;
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
