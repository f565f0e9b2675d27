import { describe, expect, it } from 'vitest';
import { firstPrimes, HaltonSequence } from '../../../samplers/qmc/halton.js';

describe('HaltonSequence', () => {
  it('gives radical inverses in prime bases when unscrambled', () => {
    const seq = new HaltonSequence(3);
    expect(Array.from(seq.point(1))).toEqual([1 / 2, 1 / 3, 1 / 5]);
    expect(Array.from(seq.point(6))).toEqual([0.375, 2 / 9, 0.2 + 1 / 25]);
  });

  it('lists primes', () => {
    expect(firstPrimes(10)).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
  });

  it('keeps scrambled points in [0, 1), deterministic per seed, one per cell of the base-b grid', () => {
    const a = new HaltonSequence(5, [1]);
    const b = new HaltonSequence(5, [1]);
    const cells = new Set<number>();
    for (let i = 0; i < 125; i++) {
      const p = a.point(i);
      for (const v of p) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(1);
      }
      expect(Array.from(b.point(i))).toEqual(Array.from(p));
      cells.add(Math.floor(p[2] * 125));
    }
    expect(cells.size).toBe(125);
  });
});
