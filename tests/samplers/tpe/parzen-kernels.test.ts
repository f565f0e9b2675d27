import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { firstSameKernel } from '../../../samplers/tpe/parzen-kernels.js';

describe('firstSameKernel', () => {
  it('gives the same first-of-equal indices with the grid hint as without, off-grid centres, NaN, ±0 and shared slots included', () => {
    const rng = createRng(3, 0, 'same');
    for (let t = 0; t < 200; t++) {
      const K = 1 + rng.int(3000);
      const grid = { first: [0, -2.5, 1e-3][t % 3], step: [1, 0.5, 0.1][t % 3], count: 1 + rng.int(30) };
      const mus = new Float64Array(K);
      const sigmas = new Float64Array(K).fill(0.7);
      for (let k = 0; k < K; k++) {
        const u = rng.random();
        const onGrid = grid.first + grid.step * rng.int(grid.count + 2); // a little past the last value too
        mus[k] =
          u < 0.8 ? onGrid
          : u < 0.85 ? onGrid + grid.step * 0.25 // rounds to a slot another centre may hold
          : u < 0.88 ? NaN
          : u < 0.91 ? (rng.random() < 0.5 ? 0 : -0)
          : u < 0.95 ? rng.random() * 100 - 50
          : mus[rng.int(Math.max(1, k))];
        if (rng.random() < 0.05) sigmas[k] = 0.3; // a different width: the same centre, another kernel
      }
      const withHint = firstSameKernel(mus, sigmas, undefined, grid);
      const without = firstSameKernel(mus, sigmas);
      expect(Array.from(withHint)).toEqual(Array.from(without));
    }
  });

  it('finds the first component of each centre and width', () => {
    const mus = Float64Array.from([1, 2, 1, 1.25, 1, 2, NaN, NaN, -0, 0]);
    const sigmas = Float64Array.from([1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
    const expected = [0, 1, 0, 3, 4, 1, 6, 6, 8, 8];
    expect(Array.from(firstSameKernel(mus, sigmas, undefined, { first: 0, step: 1, count: 5 }))).toEqual(expected);
    expect(Array.from(firstSameKernel(mus, sigmas))).toEqual(expected);
  });
});
