import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';

describe('createRng', () => {
  it('gives the same stream for the same seed parts and different streams otherwise', () => {
    const r1 = createRng(42, 7, 'x');
    const r2 = createRng(42, 7, 'x');
    const r3 = createRng(42, 8, 'x');
    const s1 = Array.from({ length: 5 }, () => r1.random());
    expect(Array.from({ length: 5 }, () => r2.random())).toEqual(s1);
    expect(Array.from({ length: 5 }, () => r3.random())).not.toEqual(s1);
  });

  it('draws uniforms in [0, 1) with the right mean and normals with unit variance', () => {
    const rng = createRng(1);
    let sum = 0;
    let sumSq = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const u = rng.random();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      const z = rng.normal();
      sumSq += z * z;
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(sumSq / n).toBeCloseTo(1, 1);
  });

  it('draws integers covering [0, n)', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
