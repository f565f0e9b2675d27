/** Weights of n observations ordered oldest first (before normalisation). */
export type WeightsFunction = (n: number) => Float64Array;

/**
 * NOTE: Optuna's default (Bergstra et al. 2013's "old observations forgotten"): the newest 25 weigh 1, older
 * ones ramp linearly from 1/n up to 1.
 */
export const optunaWeights: WeightsFunction = (n) => {
  const w = new Float64Array(n);
  if (n < 25) return w.fill(1);
  const ramp = n - 25;
  for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  for (let i = ramp; i < n; i++) w[i] = 1;
  return w;
};

/** Every observation weighs the same. */
export const uniformWeights: WeightsFunction = (n) => new Float64Array(n).fill(1);
