/**
 * Guaranteed bounds of the log-sum-exp ParzenEstimator.logPdf computes for one row of component terms, without
 * calling Math.exp. Math.exp (V8's port of fdlibm: a C call with a division) on every term of g (thousands of
 * bad observations, 24 candidates) is most of an ask's cost; the bounds need one table lookup and four
 * multiply-adds per term, and are tight enough (7e-7 relative) that they decide which candidate wins in nearly
 * every ask (certified-argmax.ts).
 *
 * e^(−t) for t ≥ 0 is e^(−i/64) from a table times e^(−d), d = t − i/64 in [0, 1/64), by its Taylor polynomial
 * 1 − d + d²/2. The remainder −d³/6 · e^(−ξ) is never positive, so the polynomial is never below e^(−d) and
 * exceeds it by at most h³/6 · e^h relative (h = 1/64): the exact sum lies in [sum / (1 + EXCESS), sum], up to
 * rounding, which SLACK covers.
 */

const STEPS_PER_NAT = 64;
/** Rows are cut at most 40 nats below their largest term (logPdf's generic path; 37 on the continuous one). */
const MAX_NATS = 41;
const SIZE = MAX_NATS * STEPS_PER_NAT + 2;
const VALUES = new Float64Array(SIZE).map((_, i) => Math.exp(-i / STEPS_PER_NAT));
const H = 1 / STEPS_PER_NAT;
/** Relative excess of the polynomial over e^(−d) on one cell, with a margin for the table's own rounding. */
const EXCESS = ((H * H * H) / 6) * Math.exp(H) * 1.01;
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
      const d = (u - i) * H;
      sum += VALUES[i] * (1 - d * (1 - 0.5 * d));
    }
  }
  const logSum = Math.log(sum);
  // Rounding, both in logPdf's own sum (K terms, each exp within an ulp, each r − max rounded once, ≤ 41 nats)
  // and in this one (the same, plus the polynomial's few operations), then the final log and addition.
  const slack = 4 * (K + 64 * MAX_NATS) * U + 8 * U * (Math.abs(max) + Math.abs(logSum) + 1) + 1e-12;
  out[0] = max + logSum - EXCESS - slack;
  out[1] = max + logSum + slack;
}
