import { describe, expect, it } from 'vitest';
import { findFunction, SUITE } from '../../../bench/quality/functions.js';
import { mannWhitneyU } from '../../../bench/quality/mann-whitney.js';

describe('quality benchmark suite', () => {
  it.each(SUITE.map((fn) => [fn.name, fn] as const))('%s reaches its known optimum at its minimiser', (_name, fn) => {
    expect(fn.argmin).toHaveLength(fn.bounds.length);
    fn.argmin.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(fn.bounds[i][0]);
      expect(v).toBeLessThanOrEqual(fn.bounds[i][1]);
    });
    expect(Math.abs(fn.f(fn.argmin) - fn.optimum)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fn.optimum)));
  });

  it.each(SUITE.map((fn) => [fn.name, fn] as const))('%s has nothing noticeably below its optimum on a random sample', (_name, fn) => {
    let s = 12345;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    let lowest = Infinity;
    for (let i = 0; i < 20000; i++) lowest = Math.min(lowest, fn.f(fn.bounds.map(([lo, hi]) => lo + (hi - lo) * rand())));
    expect(lowest).toBeGreaterThan(fn.optimum - 1e-4 * Math.max(1, Math.abs(fn.optimum)));
  });

  it('finds functions by their short names', () => {
    expect(findFunction('rosenbrock').name).toBe('rosenbrock5');
    expect(findFunction('six-hump-camel').name).toBe('six_hump_camel');
    expect(() => findFunction('nope')).toThrow(/unknown function/);
  });
});

describe('mannWhitneyU', () => {
  it('finds a clear shift significant and identical samples not', () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = a.map((v) => v + 15);
    const shifted = mannWhitneyU(a, b);
    expect(shifted.p).toBeLessThan(0.001);
    expect(shifted.probALower).toBeGreaterThan(0.9);
    expect(mannWhitneyU(a, a).p).toBeGreaterThan(0.9);
  });

  it('matches a textbook U with ties', () => {
    // a = [1, 2, 2], b = [2, 3]: pairs a<b: (1,2),(1,3),(2,3),(2,3) = 4, ties (2,2)x2 count 1 → U = 5 of 6.
    expect(mannWhitneyU([1, 2, 2], [2, 3]).u).toBe(5);
  });
});
