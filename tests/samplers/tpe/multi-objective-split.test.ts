import { describe, expect, it } from 'vitest';
import { hypervolume, hypervolumeContributions } from '../../../samplers/tpe/hypervolume.js';
import { hypervolumeWeights, nonDominationRanks, selectBelowMultiObjective } from '../../../samplers/tpe/multi-objective-split.js';
import { splitTrials } from '../../../samplers/tpe/split-trials.js';
import { fractionGamma } from '../../../samplers/tpe/gamma.js';
import { makeTrial } from '../../support/make-trial.js';

describe('hypervolume', () => {
  it('is the area of the union of boxes in 2-D', () => {
    // Boxes [1,4]x[3,4], [2,4]x[2,4], [3,4]x[1,4] → 3 + (2·2 − 2·1) + (1·3 − 1·2) = 3 + 2 + 1 = 6.
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4])).toBeCloseTo(6, 12);
  });

  it('is the volume of the union of boxes in 3-D', () => {
    // Two boxes from the reference (2,2,2): [0,2]x[1,2]x[1,2] (vol 2) and [1,2]x[0,2]x[0,2] (vol 4), overlap 1.
    expect(hypervolume([[0, 1, 1], [1, 0, 0]], [2, 2, 2])).toBeCloseTo(5, 12);
  });

  it('gives dominated points no exclusive contribution', () => {
    const c = hypervolumeContributions([[1, 3], [3, 1], [3, 3]], [4, 4]);
    expect(c[2]).toBe(0);
    expect(c[0]).toBeCloseTo(2, 12);
  });
});

describe('multi-objective ranking', () => {
  const points = [
    [1, 5], // front 0
    [2, 2], // front 0
    [5, 1], // front 0
    [3, 3], // front 1 (dominated by [2, 2])
    [6, 6], // front 2
  ];

  it('ranks hand-made fronts by non-domination', () => {
    expect(nonDominationRanks(points)).toEqual([0, 0, 0, 1, 2]);
  });

  it('takes whole fronts first, then cuts the overflowing front by hypervolume', () => {
    expect(selectBelowMultiObjective(points, 4).sort()).toEqual([0, 1, 2, 3]);
    // Only one of the first front fits: the knee [2, 2] adds the most hypervolume.
    expect(selectBelowMultiObjective(points, 1)).toEqual([1]);
  });

  it('weighs a good set by hypervolume contribution, the knee heaviest', () => {
    const w = hypervolumeWeights([[1, 5], [2, 2], [5, 1]]);
    expect(w[1]).toBe(1);
    expect(w[0]).toBeLessThan(1);
    expect(w[2]).toBeLessThan(1);
  });

  it('splits trials of a two-objective study by those rules, respecting each direction', () => {
    // Second objective maximised: store the negated values so the same front results.
    const trials = points.map((p, i) => makeTrial({ number: i, values: [p[0], -p[1]] }));
    const split = splitTrials(trials, ['minimize', 'maximize'], fractionGamma(0.6), false);
    expect(split.below.map((t) => t.number)).toEqual([0, 1, 2]);
    expect(split.above.map((t) => t.number)).toEqual([3, 4]);
    expect(split.belowWeights).not.toBeNull();
  });
});
