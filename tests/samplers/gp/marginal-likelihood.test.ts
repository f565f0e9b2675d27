import { describe, expect, it } from 'vitest';
import { fitKernelParams } from '../../../samplers/gp/fit-kernel-params.js';
import { NegativeLogPosterior } from '../../../samplers/gp/marginal-likelihood.js';
import type { TrainingSet } from '../../../samplers/gp/training-set.js';

function makeSet(n: number, D: number, categorical: number[] = []): TrainingSet {
  const X = new Float64Array(n * D);
  const isCategorical = new Uint8Array(D);
  for (const c of categorical) isCategorical[c] = 1;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < D; l++) X[i * D + l] = isCategorical[l] ? (i * (l + 1)) % 3 : ((i + 1) * (0.618034 + 0.1 * l)) % 1;
    y[i] = Math.sin(6 * X[i * D]) + 0.5 * X[i * D + (D - 1)];
  }
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  for (let i = 0; i < n; i++) y[i] = (y[i] - mean) / sd;
  return { X, y, n, dimension: D, isCategorical };
}

describe('NegativeLogPosterior', () => {
  it.each([
    ['numeric only', makeSet(15, 3), false],
    ['with a categorical dimension', makeSet(15, 3, [1]), false],
    ['deterministic objective', makeSet(10, 2), true],
  ] as const)('has an analytic gradient matching central finite differences (%s)', (_label, set, deterministic) => {
    const nlp = new NegativeLogPosterior(set, deterministic);
    const D = set.dimension;
    const raw = Float64Array.from({ length: D + 2 }, (_, i) => 0.3 * Math.sin(i + 1));
    raw[D + 1] = -4;
    const grad = new Float64Array(D + 2);
    nlp.evaluate(raw, grad);
    const scratch = new Float64Array(D + 2);
    for (let i = 0; i < D + 2; i++) {
      const h = 1e-5;
      const up = Float64Array.from(raw);
      const down = Float64Array.from(raw);
      up[i] += h;
      down[i] -= h;
      const fd = (nlp.evaluate(up, scratch) - nlp.evaluate(down, scratch)) / (2 * h);
      expect(grad[i]).toBeCloseTo(fd, 4);
    }
  });

  it('is fitted to a lower loss than the defaults, and a warm start lands on the same optimum', () => {
    const set = makeSet(25, 2);
    const cold = fitKernelParams(set, { deterministic: false, gtol: 1e-6 });
    const nlp = new NegativeLogPosterior(set, false);
    const g = new Float64Array(4);
    expect(cold.loss).toBeLessThan(nlp.evaluate(new Float64Array([0, 0, 0, 0]), g));
    const warm = fitKernelParams(set, { deterministic: false, warmStart: Float64Array.from(cold.raw, (v) => v + 0.2), gtol: 1e-6 });
    expect(warm.loss).toBeCloseTo(cold.loss, 5);
  });

  it('returns usable parameters for a single point and for constant outputs', () => {
    const one: TrainingSet = { X: Float64Array.from([0.5, 0.5]), y: Float64Array.from([0]), n: 1, dimension: 2, isCategorical: new Uint8Array(2) };
    const fitOne = fitKernelParams(one, { deterministic: false });
    expect(Number.isFinite(fitOne.loss)).toBe(true);
    const flat: TrainingSet = { ...makeSet(10, 2), y: new Float64Array(10) };
    const fitFlat = fitKernelParams(flat, { deterministic: true });
    expect(Number.isFinite(fitFlat.loss)).toBe(true);
    for (const v of fitFlat.raw) expect(Number.isFinite(v)).toBe(true);
  });
});
