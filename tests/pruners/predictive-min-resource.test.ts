import { describe, expect, it } from 'vitest';
import { predictiveMinResource } from '../../pruners/predictive-min-resource.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { makeTrial } from '../support/make-trial.js';

const rule = { minTrials: 4, minRho: 0.8 };

/** A complete trial whose value at step s is curve(s) for s = 1..steps, final value = the last one. */
function finished(number: number, curve: (s: number) => number, steps = 8, state: FrozenTrial['state'] = 'COMPLETE'): FrozenTrial {
  const points = Array.from({ length: steps }, (_, i) => [i + 1, curve(i + 1)] as const);
  return makeTrial({ number, state, curve: points, values: [points[points.length - 1][1]] });
}

describe('predictiveMinResource', () => {
  it('is undefined until minTrials complete trials with a finite final value exist', () => {
    const trials = [0, 1, 2].map((n) => finished(n, (s) => n + 1 / s));
    expect(predictiveMinResource(trials, rule)).toBeUndefined();
    trials.push(finished(3, () => 1, 8, 'PRUNED'));
    trials.push(makeTrial({ number: 4, curve: [[1, 1]], values: [Number.NaN] }));
    expect(predictiveMinResource(trials, rule)).toBeUndefined(); // a pruned trial and a NaN final do not count
  });

  it('is 1 when curves never cross (the order at step 1 is the final order)', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => n + 1 / s));
    expect(predictiveMinResource(trials, rule)).toBe(1);
  });

  it('is the step from which the ranking stays the final one when curves cross', () => {
    // Trial n ends at n but starts at 10 − n, moving straight to its end at step 4: reversed order at steps 1
    // and 2 (6.67, 6.33, 6, 5.67 at step 2), the final order from step 3 on (3.33, 3.67, 4, 4.33).
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => (s >= 4 ? n : 10 - n - ((10 - 2 * n) * (s - 1)) / 3)));
    expect(predictiveMinResource(trials, rule)).toBe(3);
  });

  it('reads the ranking in the study direction either way: maximizing flips both sides alike', () => {
    const minimize = [0, 1, 2, 3].map((n) => finished(n, (s) => (s >= 4 ? n : 10 - n - ((10 - 2 * n) * (s - 1)) / 3)));
    const maximize = minimize.map((t) => ({
      ...t,
      values: [-t.values![0]],
      intermediateValues: new Map([...t.intermediateValues].map(([s, v]) => [s, -v])),
    }));
    expect(predictiveMinResource(maximize, rule)).toBe(predictiveMinResource(minimize, rule));
  });

  it('treats tied values at a step as uninformative (a constant step has ρ = 0), so the rung moves past it', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => (s <= 2 ? 7 : n + 1 / s)));
    expect(predictiveMinResource(trials, rule)).toBe(3);
  });

  it('leaves NaN values out of a step and ignores steps fewer than minTrials reported', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => n + 1 / s));
    trials[0] = { ...trials[0], intermediateValues: new Map(trials[0].intermediateValues).set(1, Number.NaN).set(0.5, 3) };
    // Step 1 keeps 3 non-NaN values (< minTrials: not a candidate), step 0.5 only one: the rung starts at 2.
    expect(predictiveMinResource(trials, rule)).toBe(2);
  });

  it('falls back to the last step when no earlier one ranks like the end', () => {
    const trials = [0, 1, 2, 3].map((n) => finished(n, (s) => (s === 8 ? n : -n)));
    expect(predictiveMinResource(trials, rule)).toBe(8);
  });

  it('with a single complete trial and minTrials 1 has nothing to rank: the last step', () => {
    expect(predictiveMinResource([finished(0, (s) => 1 / s)], { minTrials: 1, minRho: 0.8 })).toBe(8);
  });
});
