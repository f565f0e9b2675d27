import { describe, expect, it } from 'vitest';
import { Acquisition } from '../../../samplers/gp/acquisition.js';
import { GpRegressor } from '../../../samplers/gp/gp-regressor.js';
import type { TrainingSet } from '../../../samplers/gp/training-set.js';

function model(seed: number, D: number, n: number): GpRegressor {
  const X = Float64Array.from({ length: n * D }, (_, i) => ((i + 1) * (0.7548776662 + 0.1 * seed)) % 1);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(4 * X[i * D] + seed) - X[i * D + 1]);
  const set: TrainingSet = { X, y, n, dimension: D, isCategorical: new Uint8Array(D) };
  return new GpRegressor(set, { inverseSquaredLengthscales: Float64Array.from({ length: D }, () => 3), kernelScale: 1, noiseVar: 1e-4 });
}

describe('Acquisition', () => {
  const D = 3;
  const objective = model(0, D, 12);
  const constrained = new Acquisition(objective, 1.2, [{ gp: model(1, D, 12), threshold: 0.1 }], D);
  const plain = new Acquisition(objective, 1.2, [], D);
  const infeasibleOnly = new Acquisition(objective, undefined, [{ gp: model(2, D, 12), threshold: -0.5 }], D);

  it.each([
    ['log EI', plain],
    ['log EI + log PoF', constrained],
    ['log PoF only (no feasible trial yet)', infeasibleOnly],
  ] as const)('has a gradient matching finite differences (%s)', (_label, acq) => {
    const grad = new Float64Array(D);
    for (const x of [
      [0.31, 0.52, 0.77],
      [0.95, 0.05, 0.5],
    ]) {
      const v = acq.valueAndGradient(x, grad);
      expect(v).toBeCloseTo(acq.value(x), 12);
      for (let l = 0; l < D; l++) {
        const h = 1e-6;
        const up = [...x];
        const down = [...x];
        up[l] += h;
        down[l] -= h;
        expect(grad[l]).toBeCloseTo((acq.value(up) - acq.value(down)) / (2 * h), 4);
      }
    }
  });

  it('is bounded above by its cheap upper bound everywhere', () => {
    for (let i = 0; i < 200; i++) {
      const x = [(i * 0.618) % 1, (i * 0.414) % 1, (i * 0.732) % 1];
      for (const acq of [plain, constrained, infeasibleOnly]) expect(acq.upperBound(x)).toBeGreaterThanOrEqual(acq.value(x) - 1e-9);
    }
  });

  it('scores a point exactly as value does from what its upper bound kept (every model: objective and constraints)', () => {
    for (const acq of [plain, constrained, infeasibleOnly]) {
      const keep = new Float64Array(acq.keptPerPoint());
      for (let i = 0; i < 50; i++) {
        const x = [(i * 0.618) % 1, (i * 0.414) % 1, (i * 0.732) % 1];
        acq.upperBound(x, keep);
        // A value computed in between must not disturb the kept vectors (they are the caller's, not scratch).
        acq.value([0.5, 0.5, 0.5]);
        expect(acq.valueFromKept(keep)).toBe(acq.value(x));
      }
    }
  });

  it('stays finite far from the incumbent', () => {
    const hopeless = new Acquisition(objective, 1e6, [], D);
    expect(Number.isFinite(hopeless.value([0.5, 0.5, 0.5]))).toBe(true);
    const grad = new Float64Array(D);
    hopeless.valueAndGradient([0.5, 0.5, 0.5], grad);
    for (const g of grad) expect(Number.isFinite(g)).toBe(true);
  });
});
