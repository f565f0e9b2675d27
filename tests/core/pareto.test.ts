import { describe, expect, it } from 'vitest';
import { dominates, paretoFront } from '../../src/core/pareto.js';

describe('paretoFront', () => {
  it('keeps exactly the non-dominated points for mixed directions', () => {
    const points = [
      [1, 5],
      [2, 6],
      [3, 3],
      [0, 1],
      [3, 3],
    ];
    // minimize the first, maximize the second
    expect(paretoFront(points, ['minimize', 'maximize'])).toEqual([0, 1, 3]);
  });

  it('does not let equal points dominate each other', () => {
    expect(dominates([1, 1], [1, 1], ['minimize', 'minimize'])).toBe(false);
    expect(paretoFront([[1, 1], [1, 1]], ['minimize', 'minimize'])).toEqual([0, 1]);
  });
});
