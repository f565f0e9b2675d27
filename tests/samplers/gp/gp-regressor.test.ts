import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { GpRegressor } from '../../../samplers/gp/gp-regressor.js';
import type { KernelParams } from '../../../samplers/gp/kernel-params.js';
import { matern52 } from '../../../samplers/gp/matern52-kernel.js';
import type { TrainingSet } from '../../../samplers/gp/training-set.js';

function params(ils: number[], kernelScale: number, noiseVar: number): KernelParams {
  return { inverseSquaredLengthscales: Float64Array.from(ils), kernelScale, noiseVar };
}

describe('GpRegressor', () => {
  it('matches a hand-computed two-point posterior', () => {
    // x = 0 and 1 in 1-d, y = 1 and -1, ℓ⁻² = 1, signal 2, noise 0.1.
    const train: TrainingSet = { X: Float64Array.from([0, 1]), y: Float64Array.from([1, -1]), n: 2, dimension: 1, isCategorical: new Uint8Array(1) };
    const gp = new GpRegressor(train, params([1], 2, 0.1));
    const m1 = (1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5));
    const a = 2.1; // s + noise
    const b = 2 * m1;
    const det = a * a - b * b;
    // K⁻¹ = [[a, -b], [-b, a]] / det
    const at = (x: number) => {
      const k0 = 2 * matern52(x * x);
      const k1 = 2 * matern52((x - 1) * (x - 1));
      const w0 = (a * k0 - b * k1) / det;
      const w1 = (-b * k0 + a * k1) / det;
      return { mean: w0 * 1 + w1 * -1, variance: 2 - (k0 * w0 + k1 * w1) };
    };
    for (const x of [0, 0.25, 0.5, 1.7]) {
      const got = gp.posterior([x]);
      const want = at(x);
      expect(got.mean).toBeCloseTo(want.mean, 12);
      expect(got.variance).toBeCloseTo(want.variance, 12);
    }
    // By symmetry the mean is 0 half-way.
    expect(gp.posterior([0.5]).mean).toBeCloseTo(0, 14);
  });

  it('agrees with ml-matrix on a random 3-d problem with a categorical dimension', () => {
    const n = 12;
    const D = 3;
    const X = new Float64Array(n * D);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[i * D] = (i * 0.37) % 1;
      X[i * D + 1] = (i * 0.61) % 1;
      X[i * D + 2] = i % 3;
      y[i] = Math.sin(5 * X[i * D]) + X[i * D + 2];
    }
    const isCategorical = Uint8Array.from([0, 0, 1]);
    const p = params([3, 0.5, 1.2], 1.3, 0.01);
    const gp = new GpRegressor({ X, y, n, dimension: D, isCategorical }, p);
    const k = (u: ArrayLike<number>, v: ArrayLike<number>) => {
      let r2 = 0;
      for (let l = 0; l < D; l++) r2 += p.inverseSquaredLengthscales[l] * (isCategorical[l] ? (u[l] === v[l] ? 0 : 1) : (u[l] - v[l]) ** 2);
      return p.kernelScale * matern52(r2);
    };
    const row = (i: number) => X.subarray(i * D, i * D + D);
    const K = Matrix.zeros(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, k(row(i), row(j)) + (i === j ? p.noiseVar : 0));
    const chol = new CholeskyDecomposition(K);
    const x = [0.3, 0.8, 1];
    const kx = Matrix.columnVector(Array.from({ length: n }, (_, i) => k(row(i), x)));
    const alpha = chol.solve(Matrix.columnVector(Array.from(y)));
    const mean = kx.transpose().mmul(alpha).get(0, 0);
    const variance = p.kernelScale - kx.transpose().mmul(chol.solve(kx)).get(0, 0);
    const got = gp.posterior(x);
    expect(got.mean).toBeCloseTo(mean, 10);
    expect(got.variance).toBeCloseTo(variance, 10);
  });

  it('gives gradients of mean and variance that match finite differences', () => {
    const n = 8;
    const D = 2;
    const X = Float64Array.from({ length: n * D }, (_, i) => ((i * 0.7548776662) % 1));
    const y = Float64Array.from({ length: n }, (_, i) => Math.cos(3 * X[i * D]) - X[i * D + 1]);
    const gp = new GpRegressor({ X, y, n, dimension: D, isCategorical: new Uint8Array(D) }, params([4, 2], 1, 1e-4));
    const x = [0.33, 0.71];
    const dm = new Float64Array(D);
    const dv = new Float64Array(D);
    gp.posteriorWithGradient(x, dm, dv);
    const h = 1e-6;
    for (let l = 0; l < D; l++) {
      const up = [...x];
      const down = [...x];
      up[l] += h;
      down[l] -= h;
      const a = gp.posterior(up);
      const b = gp.posterior(down);
      expect(dm[l]).toBeCloseTo((a.mean - b.mean) / (2 * h), 5);
      expect(dv[l]).toBeCloseTo((a.variance - b.variance) / (2 * h), 5);
    }
  });

  it('factors duplicate points and constant outputs without failing', () => {
    const X = Float64Array.from([0.5, 0.5, 0.5, 0.5]);
    const y = new Float64Array(4);
    const gp = new GpRegressor({ X, y, n: 4, dimension: 1, isCategorical: new Uint8Array(1) }, params([1], 1, 1e-6));
    const post = gp.posterior([0.2]);
    expect(Number.isFinite(post.mean)).toBe(true);
    expect(post.variance).toBeGreaterThan(0);
  });
});
