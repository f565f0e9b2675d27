import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { Acquisition } from '../../../samplers/gp/acquisition.js';
import { GpRegressor } from '../../../samplers/gp/gp-regressor.js';
import { maximizeAcquisition } from '../../../samplers/gp/optimize-acquisition.js';
import { SearchSpaceEncoding } from '../../../samplers/gp/search-space-encoding.js';
import type { TrainingSet } from '../../../samplers/gp/training-set.js';

// A model whose length scales differ by 20× between the two axes: the case the length-scale units are for.
function anisotropicAcquisition(): Acquisition {
  const n = 16;
  const X = Float64Array.from({ length: n * 2 }, (_, i) => ((i + 1) * 0.6180339887) % 1);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(20 * X[2 * i]) + 0.3 * X[2 * i + 1]);
  const set: TrainingSet = { X, y, n, dimension: 2, isCategorical: new Uint8Array(2) };
  const gp = new GpRegressor(set, { inverseSquaredLengthscales: Float64Array.of(400, 1), kernelScale: 1, noiseVar: 1e-6 });
  let best = -Infinity;
  for (const v of y) best = Math.max(best, v);
  return new Acquisition(gp, best, [], 2);
}

describe('maximizeAcquisition', () => {
  it('finds the maximum of an anisotropic acquisition as well as a dense grid does', () => {
    const acquisition = anisotropicAcquisition();
    const encoding = new SearchSpaceEncoding({
      a: { kind: 'float', low: 0, high: 1, log: false },
      b: { kind: 'float', low: 0, high: 1, log: false },
    });
    const found = maximizeAcquisition(acquisition, encoding, {
      nCandidates: 256,
      nLocalSearch: 10,
      starts: [],
      seed: [1, 2],
      rng: createRng(1, 2, 'test'),
    });
    let gridBest = -Infinity;
    const steps = 400;
    for (let i = 0; i <= steps; i++) for (let j = 0; j <= steps; j++) gridBest = Math.max(gridBest, acquisition.value([i / steps, j / steps]));
    expect(found.value).toBeCloseTo(acquisition.value(found.x), 12);
    expect(found.value).toBeGreaterThan(gridBest - 1e-3);
    for (const v of found.x) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});
