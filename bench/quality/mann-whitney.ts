/** Result of a two-sided Mann–Whitney U test of samples a and b. */
export interface RankTest {
  /** U statistic of a (number of pairs where a < b, ties counting one half). */
  readonly u: number;
  /** Two-sided p-value (normal approximation with tie correction and continuity correction). */
  readonly p: number;
  /** Probability that a random draw of a is below one of b (U / (n·m)); > 0.5 means a tends lower. */
  readonly probALower: number;
}

/**
 * NOTE: Mann & Whitney (1947); normal approximation with tie correction, fine for the 20-seed samples the
 * quality benchmark compares (the exact distribution matters only for n < ~8).
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): RankTest {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { u: 0, p: 1, probALower: 0.5 };
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].v === all[i].v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  let rankSumA = 0;
  all.forEach((x, i) => {
    if (x.g === 0) rankSumA += ranks[i];
  });
  // U of a counts pairs where a is larger; we report the "a lower" version.
  const uAHigher = rankSumA - (n * (n + 1)) / 2;
  const u = n * m - uAHigher;
  const mean = (n * m) / 2;
  const N = n + m;
  const variance = ((n * m) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return { u, p: 1, probALower: u / (n * m) };
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  const p = Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
  return { u, p, probALower: u / (n * m) };
}

// NOTE: Abramowitz & Stegun 7.1.26 erf approximation (|error| < 1.5e-7), plenty for p-values.
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
