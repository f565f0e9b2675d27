/**
 * Log prior on the kernel hyperparameters (constants dropped) and its gradient in the raw (log) coordinates.
 * NOTE: the shapes and constants of Optuna's default GP prior (optuna/_gp/prior.py): for every inverse squared
 * length scale λ, -(0.1/λ + 0.1 λ) (keeps λ within about [0.1, 10] unless the data insist); Gamma(2, 1) on the
 * signal variance of standardised outputs; Gamma(1.1, 30) on the noise variance (mode ≈ 0.003).
 */
export function logPriorAndGradient(
  raw: ArrayLike<number>,
  dimension: number,
  noiseVar: number,
  noiseFitted: boolean,
  grad: Float64Array,
): number {
  let value = 0;
  for (let l = 0; l < dimension; l++) {
    const lambda = Math.exp(raw[l]);
    value -= 0.1 / lambda + 0.1 * lambda;
    grad[l] = 0.1 / lambda - 0.1 * lambda;
  }
  const scale = Math.exp(raw[dimension]);
  value += Math.log(scale) - scale;
  grad[dimension] = 1 - scale;
  value += 0.1 * Math.log(noiseVar) - 30 * noiseVar;
  // d/d raw of noiseVar = minimumNoise + e^raw is e^raw = noiseVar - minimumNoise.
  grad[dimension + 1] = noiseFitted ? (0.1 / noiseVar - 30) * Math.exp(raw[dimension + 1]) : 0;
  return value;
}
