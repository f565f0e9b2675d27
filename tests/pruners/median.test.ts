import { describe, expect, it } from 'vitest';
import { MedianPruner } from '../../pruners/median.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';

const defaults = { nStartupTrials: 0, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 };
const complete = (number: number, curve: [number, number][]) => makeTrial({ number, curve, values: [curve[curve.length - 1][1]] });
const running = (number: number, curve: [number, number][]) => makeTrial({ number, state: 'RUNNING', curve });

describe('MedianPruner', () => {
  const history = [complete(0, [[1, 1], [2, 0.5]]), complete(1, [[1, 2], [2, 1.5]]), complete(2, [[1, 3], [2, 2.5]])];

  it('prunes a minimize trial worse than the median of complete trials at that step and keeps a better one', () => {
    const pruner = new MedianPruner(defaults);
    const bad = running(3, [[1, 2.5]]);
    const good = running(3, [[1, 1.5]]);
    expect(pruner.prune(makeStudy([...history, bad]), bad, 1).prune).toBe(true);
    expect(pruner.prune(makeStudy([...history, good]), good, 1).prune).toBe(false);
  });

  it('keeps a trial exactly at the median (ties are not worse)', () => {
    const tie = running(3, [[1, 2]]);
    expect(new MedianPruner(defaults).prune(makeStudy([...history, tie]), tie, 1).prune).toBe(false);
  });

  it('flips the comparison for maximize studies', () => {
    const pruner = new MedianPruner(defaults);
    const low = running(3, [[1, 1.5]]);
    const high = running(3, [[1, 2.5]]);
    expect(pruner.prune(makeStudy([...history, low], { directions: ['maximize'] }), low, 1).prune).toBe(true);
    expect(pruner.prune(makeStudy([...history, high], { directions: ['maximize'] }), high, 1).prune).toBe(false);
  });

  it('judges the best value so far, so one bad report after a good one does not prune', () => {
    const t = running(3, [[1, 0.5], [2, 9]]);
    expect(new MedianPruner(defaults).prune(makeStudy([...history, t]), t, 2).prune).toBe(false);
  });

  it('prunes a trial whose values are all NaN, but not one with a good value before a NaN', () => {
    const pruner = new MedianPruner(defaults);
    const allNan = running(3, [[1, Number.NaN]]);
    const nanAfterGood = running(3, [[1, 0.5], [2, Number.NaN]]);
    expect(pruner.prune(makeStudy([...history, allNan]), allNan, 1).prune).toBe(true);
    expect(pruner.prune(makeStudy([...history, nanAfterGood]), nanAfterGood, 2).prune).toBe(false);
  });

  it('ignores NaN values of complete trials when taking the median, and never prunes against only NaN', () => {
    const withNan = [...history, complete(3, [[1, Number.NaN], [2, 0]])];
    const t = running(4, [[1, 2.5]]);
    // Median of {1, 2, 3} (NaN ignored) is 2: 2.5 is worse.
    expect(new MedianPruner(defaults).prune(makeStudy([...withNan, t]), t, 1).prune).toBe(true);
    const onlyNan = [complete(0, [[1, Number.NaN]])];
    const u = running(1, [[1, 100]]);
    expect(new MedianPruner(defaults).prune(makeStudy([...onlyNan, u]), u, 1).prune).toBe(false);
  });

  it('never prunes before any trial is complete, nor before n startup trials are', () => {
    const t = running(1, [[1, 100]]);
    expect(new MedianPruner(defaults).prune(makeStudy([t]), t, 1).prune).toBe(false);
    const u = running(3, [[1, 100]]);
    expect(new MedianPruner({ ...defaults, nStartupTrials: 4 }).prune(makeStudy([...history, u]), u, 1).prune).toBe(false);
    expect(new MedianPruner({ ...defaults, nStartupTrials: 3 }).prune(makeStudy([...history, u]), u, 1).prune).toBe(true);
  });

  it('in a single-trial study compares only with complete trials, so a lone running trial is never pruned', () => {
    const lone = running(0, [[1, 1e9]]);
    expect(new MedianPruner(defaults).prune(makeStudy([lone]), lone, 1).prune).toBe(false);
  });

  it('does not prune during warm-up, then looks only at the first step of each interval window', () => {
    const long = [0, 1, 2].map((n) => complete(n, Array.from({ length: 10 }, (_, s) => [s, n] as [number, number])));
    const pruner = new MedianPruner({ ...defaults, nWarmupSteps: 3, intervalSteps: 2 });
    const at = (steps: number[]) => running(3, steps.map((s) => [s, 5] as [number, number]));
    const check = (steps: number[]) => {
      const t = at(steps);
      return pruner.prune(makeStudy([...long, t]), t, steps[steps.length - 1]).prune;
    };
    expect(check([0, 1, 2])).toBe(false); // warm-up
    expect(check([0, 1, 2, 3])).toBe(true); // window [3, 5) starts
    expect(check([0, 1, 2, 3, 4])).toBe(false); // second step of the window
    expect(check([0, 1, 2, 3, 4, 5])).toBe(true); // window [5, 7)
    expect(check([0, 2, 4, 6])).toBe(true); // sparse reports: 6 is the first report in window [5, 7)
  });

  it('needs n min trials reporting at the step before comparing there', () => {
    const t = running(3, [[2, 100]]);
    const sparse = [complete(0, [[1, 0]]), complete(1, [[1, 0], [2, 0]]), complete(2, [[1, 0]])];
    expect(new MedianPruner({ ...defaults, nMinTrials: 2 }).prune(makeStudy([...sparse, t]), t, 2).prune).toBe(false);
    expect(new MedianPruner({ ...defaults, nMinTrials: 1 }).prune(makeStudy([...sparse, t]), t, 2).prune).toBe(true);
  });

  it('decides an out-of-order report on the curve up to that step only', () => {
    // Step 5 (good) arrived first, then step 1 (bad): at step 1 the later good value does not count.
    const t = running(3, [[5, 0], [1, 9]]);
    expect(new MedianPruner(defaults).prune(makeStudy([...history, t]), t, 1).prune).toBe(true);
  });
});
