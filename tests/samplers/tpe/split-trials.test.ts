import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../src/core/distribution.js';
import type { FrozenTrial } from '../../../src/core/trial.js';
import { fractionGamma } from '../../../samplers/tpe/gamma.js';
import { smallestK, splitTrials } from '../../../samplers/tpe/split-trials.js';
import { makeTrial } from '../../support/make-trial.js';

const x: Distribution = { kind: 'float', low: 0, high: 1, log: false };
const complete = (number: number, value: number, extra: Partial<FrozenTrial> = {}) =>
  makeTrial({ number, values: [value], paramsWith: { x: [x, 0.5] }, ...extra });
const numbers = (ts: readonly FrozenTrial[]) => ts.map((t) => t.number);
const half = fractionGamma(0.5);

describe('splitTrials', () => {
  it('puts the best gamma(n) complete trials in the good set, both sets in trial order', () => {
    const trials = [complete(0, 5), complete(1, 1), complete(2, 4), complete(3, 2)];
    const split = splitTrials(trials, ['minimize'], half, false);
    expect(numbers(split.below)).toEqual([1, 3]);
    expect(numbers(split.above)).toEqual([0, 2]);
  });

  it('follows the direction of a maximised objective', () => {
    const trials = [complete(0, 5), complete(1, 1), complete(2, 4), complete(3, 2)];
    expect(numbers(splitTrials(trials, ['maximize'], half, false).below)).toEqual([0, 2]);
  });

  it('sends running trials to the bad set and leaves them out of n (constant liar)', () => {
    const running = makeTrial({ number: 4, state: 'RUNNING', paramsWith: { x: [x, 0.1] } });
    const trials = [complete(0, 5), complete(1, 1), complete(2, 4), complete(3, 2), running];
    const split = splitTrials(trials, ['minimize'], half, false);
    expect(numbers(split.below)).toEqual([1, 3]);
    expect(numbers(split.above)).toEqual([0, 2, 4]);
  });

  it('ignores failed and waiting trials', () => {
    const trials = [complete(0, 3), makeTrial({ number: 1, state: 'FAIL' }), makeTrial({ number: 2, state: 'WAITING' }), complete(3, 1)];
    const split = splitTrials(trials, ['minimize'], half, false);
    expect(numbers(split.below)).toEqual([3]);
    expect(numbers(split.above)).toEqual([0]);
  });

  it('ranks pruned trials after complete ones, by the last step reached and then the value there', () => {
    const pruned = (number: number, curve: [number, number][]) => makeTrial({ number, state: 'PRUNED', curve, values: null });
    const trials = [
      complete(0, 100),
      pruned(1, [[1, 0.1]]), // stopped early, good value
      pruned(2, [[1, 0.9], [5, 0.8]]), // went further, worse value: ranks before trial 1
      pruned(3, [[1, 0.5], [5, 0.3]]), // went as far, better value: ranks first among pruned
      pruned(4, []), // never reported: last
    ];
    expect(numbers(splitTrials(trials, ['minimize'], fractionGamma(0.4), false).below)).toEqual([0, 3]);
    expect(numbers(splitTrials(trials, ['minimize'], fractionGamma(0.6), false).below)).toEqual([0, 2, 3]);
    expect(numbers(splitTrials(trials, ['minimize'], fractionGamma(0.8), false).below)).toEqual([0, 1, 2, 3]);
  });

  it('prefers feasible trials, then the least infeasible, when constraints are told', () => {
    const trials = [
      complete(0, 1, { constraints: [0.5] }), // best value but infeasible
      complete(1, 9, { constraints: [-1] }),
      complete(2, 5, { constraints: [2, 0] }),
      complete(3, 7, { constraints: [0] }),
    ];
    const split = splitTrials(trials, ['minimize'], fractionGamma(0.75), true);
    expect(numbers(split.below)).toEqual([0, 1, 3]);
    expect(numbers(splitTrials(trials, ['minimize'], half, true).below)).toEqual([1, 3]);
  });

  it('treats complete trials without constraint values as infeasible once constraints are in use', () => {
    const trials = [complete(0, 1), complete(1, 9, { constraints: [-1] })];
    expect(numbers(splitTrials(trials, ['minimize'], half, true).below)).toEqual([1]);
  });
});

describe('smallestK', () => {
  it('finds the k smallest keys, ties going to the earlier index', () => {
    const keys = Float64Array.from([5, 1, 3, 1, 0, 9]);
    expect(smallestK(keys, 3).sort()).toEqual([1, 3, 4]);
    expect(smallestK(keys, 1)).toEqual([4]);
    expect(smallestK(Float64Array.from([2, 2, 2]), 2).sort()).toEqual([0, 1]);
  });
});
