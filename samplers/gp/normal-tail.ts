/**
 * Normal-distribution tails computed without underflow, for log expected improvement and log probability of
 * feasibility far from the data.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const SQRT_HALF = Math.SQRT1_2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The scaled complementary error function erfcx(x) = exp(x²) erfc(x), for x >= 0, to about 1e-14 relative.
 * Below 2: exp(x²) minus the all-positive series of erf (Abramowitz & Stegun 7.1.6), so no cancellation
 * inside the series; from 2 on: the continued fraction of erfc (A&S 7.1.14) evaluated by Lentz's method.
 */
export function erfcx(x: number): number {
  if (x < 0) return 2 * Math.exp(x * x) - erfcx(-x);
  if (x < 2) {
    // erf(x) = 2/√π e^{-x²} Σ 2^n x^{2n+1} / (2n+1)!!
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return Math.exp(x2) - TWO_OVER_SQRT_PI * sum;
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return INV_SQRT_PI / f;
}

/** log of the standard normal density. */
export function logNormalPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** The standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  if (z < 0) return 0.5 * erfcx(-z * SQRT_HALF) * Math.exp(-0.5 * z * z);
  return 1 - 0.5 * erfcx(z * SQRT_HALF) * Math.exp(-0.5 * z * z);
}

/** log Φ(z), finite for every finite z (about -z²/2 - log(-z) - log √(2π) far in the left tail). */
export function logNormalCdf(z: number): number {
  if (z < 0) return Math.log(0.5 * erfcx(-z * SQRT_HALF)) - 0.5 * z * z;
  return Math.log1p(-0.5 * erfcx(z * SQRT_HALF) * Math.exp(-0.5 * z * z));
}

/** log(1 - e^a) for a < 0, accurate near 0 and far from it (Mächler 2012, "Accurately computing log(1 - exp(-|a|))"). */
export function log1mexp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}
