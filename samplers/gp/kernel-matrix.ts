import { matern52 } from './matern52-kernel.js';
import type { TrainingSet } from './training-set.js';

/**
 * The covariance matrix C = s·M(X, X) + noise·I of a training set (row-major n × n, lower triangle and
 * diagonal filled, the strict upper triangle left 0 as choleskyInPlace reads only the lower one).
 * Written as one loop over rows of X rather than a call per pair that copies the row first: the GP is
 * conditioned on up to 200 points every ask, ~20,000 pairs. The arithmetic is that of
 * scaledSquaredDistance + matern52 term for term (d = X_j − X_i, r² += ℓ⁻²·d·d in increasing dimension order),
 * so the matrix is bit-identical to building it pair by pair.
 */
export function kernelMatrix(train: TrainingSet, ils: Float64Array, kernelScale: number, noiseVar: number): Float64Array {
  const { n, X, isCategorical, dimension: D } = train;
  const C = new Float64Array(n * n);
  let anyCategorical = false;
  for (let l = 0; l < D; l++) if (isCategorical[l]) anyCategorical = true;
  for (let i = 0; i < n; i++) {
    const rowI = i * D;
    const rowC = i * n;
    for (let j = 0; j < i; j++) {
      const rowJ = j * D;
      let r2 = 0;
      if (anyCategorical) {
        for (let l = 0; l < D; l++) {
          const a = X[rowJ + l];
          const b = X[rowI + l];
          if (isCategorical[l]) {
            if (a !== b) r2 += ils[l];
          } else {
            const d = a - b;
            r2 += ils[l] * d * d;
          }
        }
      } else {
        for (let l = 0; l < D; l++) {
          const d = X[rowJ + l] - X[rowI + l];
          r2 += ils[l] * d * d;
        }
      }
      C[rowC + j] = kernelScale * matern52(r2);
    }
    C[rowC + i] = kernelScale + noiseVar;
  }
  return C;
}
