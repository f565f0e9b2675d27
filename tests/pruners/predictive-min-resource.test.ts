import { describe, expect, it } from 'vitest';
import { predictiveMinResource, topQuarterRecall } from '../../pruners/predictive-min-resource.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { makeTrial } from '../support/make-trial.js';

const rule = { minTrials: 4, minRecall: 1 };

/** A complete trial whose value at step s is curve(s) for s = 1..steps, final value = the last one. */
function finished(number: number, curve: (s: number) => number, steps = 8, state: FrozenTrial['state'] = 'COMPLETE'): FrozenTrial {
  const points = Array.from({ length: steps }, (_, i) => [i + 1, curve(i + 1)] as const);
  return makeTrial({ number, state, curve: points, values: [points[points.length - 1][1]] });
}

/** Trial n ends at n but starts at 10 − n, moving straight to its end at step 4: the best starts worst. */
const crossing = (n: number) => (s: number) => (s >= 4 ? n : 10 - n - ((10 - 2 * n) * (s - 1)) / 3);

describe('topQuarterRecall', () => {
  it('is the share of the best quarter by final value that is also in the best quarter at the step', () => {
    // 8 trials: the best quarter is 2 trials; at the step one of them is in the best two.
    expect(topQuarterRecall([5, 0, 1, 2, 3, 4, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7])).toBe(0.5);
    expect(topQuarterRecall([0, 1, 9, 9], [0, 1, 2, 3])).toBe(1);
  });

  it('counts ties at either cut as inside it', () => {
    // k = 1: the final cut 0 holds trials 0 and 1; the step cut holds the three tied at 1.
    expect(topQuarterRecall([1, 1, 1, 2], [0, 0, 5, 6])).toBe(1);
    expect(topQuarterRecall([1, 3, 2, 2], [0, 0, 5, 6])).toBe(0.5);
  });
});

describe('predictiveMinResource', () => {
  it('is undefined until minTrials complete trials with a finite final value exist', () => {
    const trials = [0, 1, 2].map((n) => finished(n, (s) => n + 1 / s));
    expect(predictiveMinResource(trials, rule)).toBeUndefined();
    trials.push(finished(3, () => 1, 8, 'PRUNED'));
    trials.push(makeTrial({ number: 4, curve: [[1, 1]], values: [Number.NaN] }));
    expect(predictiveMinResource(trials, rule)).toBeUndefined(); // a pruned trial and a NaN final do not count
  });

  it('is 1 when curves never cross (the best at step 1 are the best at the end)', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => n + 1 / s));
    expect(predictiveMinResource(trials, rule)).toBe(1);
  });

  it('is the step from which the best at the step are the best at the end when curves cross', () => {
    // Reversed order at steps 1 and 2 (6.67, 6.33, 6, 5.67 at step 2), the final order from step 3 (3.33, 3.67, …).
    const trials = [0, 1, 2, 3].map((n) => finished(n, crossing(n)));
    expect(predictiveMinResource(trials, rule)).toBe(3);
  });

  it('follows the direction: when maximizing, the best are the largest', () => {
    // Finals 0..3; before the end trial 0 is already the smallest but the largest is trial 1, not trial 3.
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => (s === 8 ? n : [0, 3, 2, 1][n])));
    expect(predictiveMinResource(trials, rule, 'minimize')).toBe(1);
    expect(predictiveMinResource(trials, rule, 'maximize')).toBe(8);
  });

  it('needs the best finals ahead at every later step too, not at one lucky step', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => (s === 1 ? n : crossing(n)(s))));
    expect(predictiveMinResource(trials, rule)).toBe(3);
  });

  it('counts ties at a step as inside the top, so a step where all are tied does not stop the search', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => (s <= 2 ? 7 : n + 1 / s)));
    expect(predictiveMinResource(trials, rule)).toBe(1);
  });

  it('leaves NaN values out of a step and ignores steps fewer than minTrials reported', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, crossing(n)));
    // Step 2 of trial 3 is NaN: only 3 reports there, not a candidate; the search stops at step 1 (reversed).
    trials[3] = { ...trials[3], intermediateValues: new Map(trials[3].intermediateValues).set(2, Number.NaN).set(0.5, 0) };
    expect(predictiveMinResource(trials, rule)).toBe(3);
  });

  it('falls back to the last step when no earlier one picks out the best', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => (s === 8 ? n : -n)));
    expect(predictiveMinResource(trials, rule)).toBe(8);
  });

  it('with a single complete trial and minTrials 1 finds it ahead at every step: the first step', () => {
    expect(predictiveMinResource([finished(0, (s) => 1 / s)], { minTrials: 1, minRecall: 1 })).toBe(1);
  });
});
