import { describe, expect, it } from 'vitest';
import { fitYeoJohnsonLambda, warpOutputs, yeoJohnson } from '../../../samplers/gp/output-warping.js';
import { standardise } from '../../../samplers/gp/standardise.js';

describe('Yeo-Johnson output warping', () => {
  it('is the identity at λ = 1, continuous at 0 and increasing in x for every λ', () => {
    for (const x of [-3, -0.5, 0, 0.5, 3]) expect(yeoJohnson(x, 1)).toBeCloseTo(x, 12);
    for (const lambda of [-2, -0.5, 0, 1e-13, 0.5, 1, 2, 2 + 1e-13, 4]) {
      expect(yeoJohnson(1e-9, lambda)).toBeCloseTo(yeoJohnson(-1e-9, lambda), 8);
      let previous = -Infinity;
      for (let x = -5; x <= 5; x += 0.25) {
        const t = yeoJohnson(x, lambda);
        expect(t).toBeGreaterThan(previous);
        previous = t;
      }
    }
  });

  it('fits λ < 1 to a heavy right tail and keeps λ = 1 for data that are already symmetric', () => {
    const tail = Float64Array.from({ length: 40 }, (_, i) => Math.exp(i / 8));
    expect(fitYeoJohnsonLambda(standardise(tail).values)).toBeLessThan(0.5);
    const symmetric = Float64Array.from({ length: 41 }, (_, i) => (i - 20) / 10);
    expect(Math.abs(fitYeoJohnsonLambda(symmetric) - 1)).toBeLessThan(0.05);
  });

  it('keeps the order of the outputs, standardises them, and does not depend on their offset or unit', () => {
    const y = Float64Array.from({ length: 25 }, (_, i) => -(((i * 7) % 25) ** 3) / 100 - 3);
    const warped = warpOutputs(y);
    for (let i = 0; i < y.length; i++)
      for (let j = 0; j < y.length; j++) if (y[i] < y[j]) expect(warped[i]).toBeLessThan(warped[j]);
    const mean = warped.reduce((a, b) => a + b, 0) / warped.length;
    const variance = warped.reduce((a, b) => a + (b - mean) ** 2, 0) / warped.length;
    expect(mean).toBeCloseTo(0, 10);
    expect(variance).toBeCloseTo(1, 10);
    const moved = warpOutputs(Float64Array.from(y, (v) => 1000 + 42 * v));
    for (let i = 0; i < y.length; i++) expect(moved[i]).toBeCloseTo(warped[i], 8);
  });

  it('spreads the best outputs further apart than plain standardisation when bad values have a heavy tail', () => {
    // Larger is better: a few very bad values, most near the best.
    const y = Float64Array.from({ length: 30 }, (_, i) => -Math.exp(i / 4));
    const warped = warpOutputs(y);
    const plain = standardise(y).values;
    const gap = (v: Float64Array) => v[0] - v[5];
    expect(gap(warped) / (warped[0] - warped[29])).toBeGreaterThan(gap(plain) / (plain[0] - plain[29]));
  });

  it('returns zeros for constant outputs', () => {
    expect(Array.from(warpOutputs(new Float64Array(5).fill(3)))).toEqual([0, 0, 0, 0, 0]);
  });
});
