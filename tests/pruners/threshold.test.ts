import { describe, expect, it } from 'vitest';
import { ThresholdPruner } from '../../pruners/threshold.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';

const at = (steps: [number, number][]) => makeTrial({ number: 0, state: 'RUNNING', curve: steps });
const decide = (p: ThresholdPruner, steps: [number, number][]) => p.prune(makeStudy([at(steps)]), at(steps), steps[steps.length - 1][0]).prune;

describe('ThresholdPruner', () => {
  const bounds = new ThresholdPruner({ lower: 0, upper: 1, nWarmupSteps: 0, intervalSteps: 1 });

  it('prunes outside [lower, upper] and keeps values on the bounds', () => {
    expect(decide(bounds, [[0, -0.01]])).toBe(true);
    expect(decide(bounds, [[0, 1.01]])).toBe(true);
    expect(decide(bounds, [[0, 0]])).toBe(false);
    expect(decide(bounds, [[0, 1]])).toBe(false);
  });

  it('prunes NaN (a diverged run) even with only one bound', () => {
    expect(decide(new ThresholdPruner({ lower: Number.NEGATIVE_INFINITY, upper: 10, nWarmupSteps: 0, intervalSteps: 1 }), [[0, Number.NaN]])).toBe(true);
  });

  it('looks at the value of the reported step, not the best so far', () => {
    expect(decide(bounds, [[0, 0.5], [1, 3]])).toBe(true);
  });

  it('waits through warm-up and checks once per interval window', () => {
    const p = new ThresholdPruner({ lower: 0, upper: 1, nWarmupSteps: 2, intervalSteps: 3 });
    expect(decide(p, [[1, 5]])).toBe(false);
    expect(decide(p, [[2, 5]])).toBe(true);
    expect(decide(p, [[2, 0.5], [3, 5]])).toBe(false);
    expect(decide(p, [[2, 0.5], [3, 0.5], [4, 0.5], [5, 5]])).toBe(true);
  });
});
