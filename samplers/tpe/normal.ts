/**
 * The standard normal distribution in log space, as the Parzen estimators need it: log Φ differences for
 * truncation and step masses (stable far in the tails), the quantile function for truncated sampling.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log φ(z) for the standard normal density. */
export function logNormalPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

// NOTE: erfc by the Chebyshev-fitted exponent of Numerical Recipes (Press et al., "erfcc"): fractional error
// below 1.2e-7 everywhere, and it gives log erfc directly, so far tails never underflow.
function logErfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
      t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + poly;
}

// erfc(x) for x >= 0 with a single exp (same fit as above), for the hot path where the mass is not tiny.
function erfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
      t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(-x * x + poly);
}

/** log Φ(z). */
export function logNormalCdf(z: number): number {
  // Φ(z) = erfc(-z/√2)/2
  if (z < 0) return logErfcNonNegative(-z / Math.SQRT2) - Math.LN2;
  return Math.log1p(-0.5 * Math.exp(logErfcNonNegative(z / Math.SQRT2)));
}

/** Φ(z). */
export function normalCdf(z: number): number {
  return z < 0 ? 0.5 * erfcNonNegative(-z / Math.SQRT2) : 1 - 0.5 * erfcNonNegative(z / Math.SQRT2);
}

/** log(Φ(b) − Φ(a)) for a < b, accurate in both tails (uses the symmetric tail when both are positive). */
export function logNormalMass(a: number, b: number): number {
  if (!(b > a)) return -Infinity;
  if (a > 0) return logNormalMass(-b, -a);
  // The kernel covers the whole interval to double precision: nothing to subtract.
  if (a < -38.5 && b > 8.3) return 0;
  // Here a <= 0, so Φ(a) <= 1/2: when the mass is not tiny, the direct difference is accurate and cheaper.
  if (b > -5) {
    const mass = normalCdf(b) - normalCdf(a);
    if (mass > 1e-7) return Math.log(mass);
  }
  // Here a <= 0: Φ(a) <= 1/2, so subtracting in log space from log Φ(b) is stable.
  const la = logNormalCdf(a);
  const lb = logNormalCdf(b);
  return lb + Math.log1p(-Math.exp(la - lb));
}

/**
 * Beyond this many standard deviations Φ's tail (0.5 · erfc(8.5/√2) ≈ 1e-17) is below half an ulp of any
 * number in [0.25, 1], so adding or subtracting it cannot change a double in that range.
 */
const NEGLIGIBLE_TAIL_Z = 8.5;

/**
 * logNormalMass(a, b) for a kernel whose centre lies in its box (a ≤ 0 ≤ b): bit for bit the same number,
 * but the far side's Φ is not computed when it is beyond NEGLIGIBLE_TAIL_Z (then Φ(b) is exactly 1, or
 * Φ(b) − Φ(a) rounds to Φ(b)). A truncation normaliser per component and axis is the largest cost of
 * fitting g at thousands of observations; most components sit far from at least one edge.
 */
export function logNormalMassAround(a: number, b: number): number {
  if (!(a <= 0 && b >= 0) || (a < -38.5 && b > 8.3)) return logNormalMass(a, b);
  const upper = b >= NEGLIGIBLE_TAIL_Z ? 1 : normalCdf(b);
  const mass = a <= -NEGLIGIBLE_TAIL_Z ? upper : upper - normalCdf(a);
  return mass > 1e-7 ? Math.log(mass) : logNormalMass(a, b);
}

// NOTE: Acklam's rational approximation of the normal quantile (relative error 1.15e-9), refined by one
// Halley step against our cdf.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  return x;
}

/**
 * A draw from N(mu, sigma²) truncated to [low, high], by inverting the cdf on the tail nearer the mass (so a
 * kernel far outside the box still lands inside it).
 */
export function sampleTruncatedNormal(mu: number, sigma: number, low: number, high: number, u: number): number {
  const a = (low - mu) / sigma;
  const b = (high - mu) / sigma;
  let z: number;
  if (a > 0) {
    // Mass in the upper tail: invert the survival function on the mirrored interval.
    const pa = normalCdf(-a);
    const pb = normalCdf(-b);
    z = -normalQuantile(pb + u * (pa - pb));
  } else {
    const pa = normalCdf(a);
    const pb = normalCdf(b);
    z = normalQuantile(pa + u * (pb - pa));
  }
  const x = mu + sigma * z;
  return Math.min(high, Math.max(low, Number.isFinite(x) ? x : mu < low ? low : high));
}
