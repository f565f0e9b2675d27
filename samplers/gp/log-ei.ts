import { erfcx, log1mexp, logNormalCdf, logNormalPdf, normalCdf } from './normal-tail.js';

const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
const SQRT_HALF = Math.SQRT1_2;
// Below this the asymptotic series of the Mills ratio is exact to double precision (its next term is
// 10395 / z^12 relative) and the erfcx route would cancel.
const SERIES_Z = -100;

// h(z)/φ(z) = 1 - |z| R(|z|) for z < 0, R the Mills ratio Φ(-x)/φ(x): 1/z² (1 - 3/z² + 15/z⁴ - …) far out.
function tailSeries(z: number): { t: number; s: number; mills: number } {
  const t = 1 / (z * z);
  const s = 1 + t * (-3 + t * (15 + t * (-105 + t * (945 - t * 10395))));
  const millsSeries = 1 + t * (-1 + t * (3 + t * (-15 + t * (105 - t * 945))));
  return { t, s, mills: millsSeries / -z };
}

/**
 * log h(z) with h(z) = φ(z) + z Φ(z), so that EI = σ h((μ - f*)/σ).
 * NOTE: the branches of Ament et al. 2023, "Unexpected improvements to expected improvement for Bayesian
 * optimization" (eq. 9): direct above -1; below, log φ(z) + log(1 - |z| R(|z|)) with the Mills ratio R from
 * erfcx and log1mexp; and far out (z < -100) the asymptotic series of 1 - |z|R instead of their bare
 * -2 log|z|, so the value is accurate, finite and strictly increasing wherever EI itself underflows to 0.
 */
export function logH(z: number): number {
  if (z > -1) return Math.log(Math.exp(logNormalPdf(z)) + z * normalCdf(z));
  if (z > SERIES_Z) {
    const mills = SQRT_HALF_PI * erfcx(-z * SQRT_HALF);
    return logNormalPdf(z) + log1mexp(Math.log(-z * mills));
  }
  const { t, s } = tailSeries(z);
  return logNormalPdf(z) + Math.log(t) + Math.log(s);
}

/** d log h / dz = Φ(z) / h(z), finite and accurate for every finite z (≈ -z far in the tail). */
export function logHDerivative(z: number, logHz?: number): number {
  if (z > -1) return Math.exp(logNormalCdf(z) - (logHz ?? logH(z)));
  // Φ/h = R / (1 - |z| R): the large φ(z) factors cancel analytically.
  if (z > SERIES_Z) {
    const mills = SQRT_HALF_PI * erfcx(-z * SQRT_HALF);
    return mills / -Math.expm1(Math.log(-z * mills));
  }
  const { t, s, mills } = tailSeries(z);
  return mills / (t * s);
}

/**
 * log EI for a maximisation problem: posterior mean μ and standard deviation σ of f at x, incumbent fBest.
 * Returns the value and its partial derivatives with respect to μ and σ (for the chain rule through x).
 */
export function logExpectedImprovement(mean: number, sigma: number, fBest: number): { value: number; dMean: number; dSigma: number } {
  const z = (mean - fBest) / sigma;
  const lh = logH(z);
  const dz = logHDerivative(z, lh);
  return { value: Math.log(sigma) + lh, dMean: dz / sigma, dSigma: 1 / sigma - (dz * z) / sigma };
}
