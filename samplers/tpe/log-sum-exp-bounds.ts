/**
 * Guaranteed bounds of the log-sum-exp ParzenEstimator.logPdf computes for one row of component terms, without
 * calling Math.exp. Math.exp (V8's port of fdlibm: a C call with a division) on every term of g (thousands of
 * bad observations, 24 candidates) is most of an ask's cost; the bounds need one table lookup and one
 * multiply-add per term, and are tight enough (3e-5 nats) that they decide which candidate wins in nearly
 * every ask (certified-argmax.ts).
 *
 * e^(−t) for t ≥ 0 is read off the chord between table points 1/64 apart. e^(−t) is convex, so the chord is
 * never below it and exceeds it by at most h²/8 · e^h relative (h = 1/64): the exact sum lies in
 * [chord sum / (1 + CHORD_EXCESS), chord sum], up to rounding, which SLACK covers.
 */

const STEPS_PER_NAT = 64;
/** Rows are cut at most 40 nats below their largest term (logPdf's generic path; 37 on the continuous one). */
const MAX_NATS = 41;
const SIZE = MAX_NATS * STEPS_PER_NAT + 2;
const VALUES = new Float64Array(SIZE).map((_, i) => Math.exp(-i / STEPS_PER_NAT));
const SLOPES = new Float64Array(SIZE).map((_, i) => (i + 1 < SIZE ? VALUES[i + 1] - VALUES[i] : 0));
const H = 1 / STEPS_PER_NAT;
/** Relative excess of the chord over e^(−t) on one cell, with a margin for the table's own rounding. */
const CHORD_EXCESS = ((H * H) / 8) * Math.exp(H) * 1.01;
const U = Number.EPSILON / 2;

/** [lower, upper] of the value logSumExpOfRow(row, max, cut) returns; written into `out`. */
export function logSumExpBounds(row: Float64Array, max: number, cut: number, out: Float64Array): void {
  if (!Number.isFinite(max) || !(max - cut <= MAX_NATS - 0.5)) {
    out[0] = NaN; // no finite bound: the caller computes this row exactly
    out[1] = NaN;
    return;
  }
  const K = row.length;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const r = row[k];
    if (r > cut) {
      const u = (max - r) * STEPS_PER_NAT;
      const i = u | 0;
      sum += VALUES[i] + (u - i) * SLOPES[i];
    }
  }
  const logSum = Math.log(sum);
  // Rounding, both in logPdf's own sum (K terms, each exp within an ulp, each r − max rounded once, ≤ 41 nats)
  // and in this one (the same, plus the chord's two operations), then the final log and addition.
  const slack = 4 * (K + 64 * MAX_NATS) * U + 8 * U * (Math.abs(max) + Math.abs(logSum) + 1) + 1e-12;
  out[0] = max + logSum - CHORD_EXCESS - slack;
  out[1] = max + logSum + slack;
}
