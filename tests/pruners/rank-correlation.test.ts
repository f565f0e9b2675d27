import { describe, expect, it } from 'vitest';
import { spearman } from '../../pruners/rank-correlation.js';

describe('spearman', () => {
  it('is 1 for the same order, -1 for the reverse, whatever the scale', () => {
    expect(spearman([1, 2, 3, 4], [10, 200, 3000, 40000])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
  });

  it('gives tied values their average rank (scipy.stats.spearmanr([1,2,2,3],[1,3,2,4]) = 0.9487)', () => {
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.948683, 5);
  });

  it('is 0 when a side is constant or fewer than two pairs are given', () => {
    expect(spearman([5, 5, 5], [1, 2, 3])).toBe(0);
    expect(spearman([1], [1])).toBe(0);
    expect(spearman([], [])).toBe(0);
  });
});
