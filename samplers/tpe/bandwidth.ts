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
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => mus[a] - mus[b]);
  const sorted = new Float64Array(n + 2);
  sorted[0] = low;
  for (let i = 0; i < n; i++) sorted[i + 1] = mus[order[i]];
  sorted[n + 1] = high;
  const sigmas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let left = sorted[i + 1] - sorted[i];
    let right = sorted[i + 2] - sorted[i + 1];
    if (!considerEndpoints && n >= 2) {
      if (i === 0) left = 0;
      if (i === n - 1) right = 0;
    }
    sigmas[order[i]] = Math.max(left, right);
  }
  return sigmas;
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
