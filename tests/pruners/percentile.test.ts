import { describe, expect, it } from 'vitest';
import { nanPercentile } from '../../pruners/intermediate-values.js';
import { PercentilePruner } from '../../pruners/percentile.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';

const defaults = { nStartupTrials: 0, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 };
// Values 0..10 at step 1.
const history = Array.from({ length: 11 }, (_, n) => makeTrial({ number: n, curve: [[1, n]], values: [n] }));
const running = (value: number) => makeTrial({ number: 11, state: 'RUNNING', curve: [[1, value]] });

describe('PercentilePruner', () => {
  it('keeps only trials within the given percentile of complete trials (minimize: the low end)', () => {
    const pruner = new PercentilePruner({ ...defaults, percentile: 25 });
    // 25th percentile of 0..10 is 2.5.
    expect(pruner.prune(makeStudy([...history, running(2.5)]), running(2.5), 1).prune).toBe(false);
    expect(pruner.prune(makeStudy([...history, running(2.6)]), running(2.6), 1).prune).toBe(true);
  });

  it('keeps the top end for maximize studies: percentile 25 keeps the best quarter', () => {
    const pruner = new PercentilePruner({ ...defaults, percentile: 25 });
    const study = (v: number) => makeStudy([...history, running(v)], { directions: ['maximize'] });
    expect(pruner.prune(study(7.5), running(7.5), 1).prune).toBe(false);
    expect(pruner.prune(study(7.4), running(7.4), 1).prune).toBe(true);
  });

  it('at 0 prunes everything worse than the best complete trial, at 100 nothing but NaN', () => {
    expect(new PercentilePruner({ ...defaults, percentile: 0 }).prune(makeStudy([...history, running(0.1)]), running(0.1), 1).prune).toBe(true);
    expect(new PercentilePruner({ ...defaults, percentile: 100 }).prune(makeStudy([...history, running(10)]), running(10), 1).prune).toBe(false);
    const nan = running(Number.NaN);
    expect(new PercentilePruner({ ...defaults, percentile: 100 }).prune(makeStudy([...history, nan]), nan, 1).prune).toBe(true);
  });
});

describe('nanPercentile', () => {
  it('interpolates linearly between order statistics like numpy, ignoring NaN', () => {
    expect(nanPercentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(nanPercentile([4, Number.NaN, 1, 3, 2], 25)).toBe(1.75);
    expect(nanPercentile([5], 90)).toBe(5);
    expect(nanPercentile([Number.NaN], 50)).toBeNaN();
    expect(nanPercentile([1, Number.POSITIVE_INFINITY], 75)).toBe(Number.POSITIVE_INFINITY);
  });
});
