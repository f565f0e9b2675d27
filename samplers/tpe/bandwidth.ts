/**
 * Kernel bandwidths on one numeric axis [low, high]. Every rule ends in Optuna's "magic clip": no kernel
 * narrower than range / min(100, 1 + components), none wider than the range.
 */

/** NOTE: magic clip (Bergstra et al. 2011's hyperopt, kept by Optuna): a floor that shrinks as data grows. */
export function magicClipFloor(low: number, high: number, nComponents: number): number {
  return (high - low) / Math.min(100, 1 + nComponents);
}

/**
 * Univariate neighbour rule (hyperopt, Optuna's univariate TPE): each kernel is as wide as the larger gap to
 * its sorted neighbours, the box ends counting as neighbours when `considerEndpoints`.
 */
export function neighbourBandwidths(mus: Float64Array, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const n = mus.length;
  // A native numeric sort of a copy, then each centre finds its place by binary search (equal centres share
  // the first one's width): much cheaper than sorting indices with a comparator at thousands of trials.
  const sorted = Float64Array.from(mus).sort();
  const widthAt = gapWidthsInOrder(sorted, low, high, considerEndpoints);
  const sigmas = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = mus[k];
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    sigmas[k] = widthAt[lo];
  }
  return sigmas;
}

/**
 * neighbourBandwidths when the caller already has the centres in order (observation-table.ts keeps each axis
 * sorted from one ask to the next): `sorted` is what sorting `mus` gives and `positionOf[k]` is where mus[k] sits
 * in it. The same widths, bit for bit, without the sort or a binary search per centre.
 */
export function neighbourBandwidthsInOrder(sorted: Float64Array, positionOf: Int32Array, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const n = sorted.length;
  const widthAt = gapWidthsInOrder(sorted, low, high, considerEndpoints);
  // A centre's width is that of the first centre equal to it (the binary search above finds that one).
  const firstEqual = new Int32Array(n);
  for (let i = 0; i < n; i++) firstEqual[i] = i > 0 && sorted[i - 1] === sorted[i] ? firstEqual[i - 1] : i;
  const sigmas = new Float64Array(positionOf.length);
  for (let k = 0; k < positionOf.length; k++) sigmas[k] = widthAt[firstEqual[positionOf[k]]];
  return sigmas;
}

/** Each sorted centre's width: the larger gap to its neighbours (the box's ends stand in at the two ends). */
function gapWidthsInOrder(sorted: Float64Array, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const n = sorted.length;
  const widthAt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let left = sorted[i] - (i > 0 ? sorted[i - 1] : low);
    let right = (i < n - 1 ? sorted[i + 1] : high) - sorted[i];
    if (!considerEndpoints && n >= 2) {
      if (i === 0) left = 0;
      if (i === n - 1) right = 0;
    }
    widthAt[i] = Math.max(left, right);
  }
  return widthAt;
}

/**
 * Multivariate rule of Optuna (after Scott 1992): one width for all kernels, 0.2 · n^(−1/(d+4)) of the range.
 */
export function scottRangeBandwidth(n: number, dims: number, low: number, high: number): number {
  return 0.2 * Math.pow(Math.max(n, 1), -1 / (dims + 4)) * (high - low);
}

/**
 * hpo's multivariate rule: Scott's rule on the weighted spread of the observations themselves,
 * factor · σ̂ · n^(−1/(d+4)), so kernels tighten as the good set concentrates (Watanabe 2023, §bandwidth).
 * σ̂ is the weighted standard deviation, floored at `minFraction` of the range for degenerate sets.
 */
export function scottSpreadBandwidth(
  xs: Float64Array,
  weights: Float64Array,
  dims: number,
  low: number,
  high: number,
  factor: number,
): number {
  const n = xs.length;
  if (n === 0) return high - low;
  let sw = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    sw += weights[i];
    mean += weights[i] * xs[i];
  }
  mean /= sw;
  let v = 0;
  for (let i = 0; i < n; i++) v += weights[i] * (xs[i] - mean) ** 2;
  const sd = Math.sqrt(v / sw);
  return factor * sd * Math.pow(n, -1 / (dims + 4));
}
