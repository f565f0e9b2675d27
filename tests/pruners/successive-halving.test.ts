import { describe, expect, it } from 'vitest';
import { LEARNED_MIN_RESOURCE_ATTR, STOPPED_AT_RUNG_ATTR, SuccessiveHalvingPruner, isPromotable } from '../../pruners/successive-halving.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';
import { PrunerDriver } from './pruner-driver.js';

const asha = (o: Partial<ConstructorParameters<typeof SuccessiveHalvingPruner>[0]> = {}) =>
  new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, minEarlyStoppingRate: 0, bootstrapCount: 0, ...o });

describe('SuccessiveHalvingPruner', () => {
  it('records the value at each rung a trial reaches (rungs at minResource·η^k) and nothing between rungs', () => {
    const d = new PrunerDriver(asha({ minResource: 2, reductionFactor: 3 }));
    const t = d.start();
    expect(d.report(t, 1, 5).systemAttrs ?? {}).toEqual({});
    expect(d.report(t, 2, 4).systemAttrs).toEqual({ completed_rung_0: 4 });
    expect(d.report(t, 5, 3).systemAttrs).toEqual({});
    expect(d.report(t, 6, 2).systemAttrs).toEqual({ completed_rung_1: 2 });
  });

  it('promotes only the top 1/η of a rung, and while fewer than η have arrived only the best so far', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 2 }));
    const values = [5, 3, 4, 1, 6, 2];
    const decisions = values.map((v) => d.report(d.start(), 1, v).prune);
    // Rung 0 over arrivals: [5] keep (alone), [5,3] top 1 = 3 → keep 3, [5,3,4] top 1 → prune 4,
    // [5,3,4,1] top 2 → keep 1, [..,6] top 2 → prune, [..,2] top 3 = {1,2,3} → keep.
    expect(decisions).toEqual([false, false, true, false, true, false]);
  });

  it('keeps ties at the promotion boundary', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 2 }));
    d.report(d.start(), 1, 1);
    expect(d.report(d.start(), 1, 1).prune).toBe(false);
  });

  it('flips the ranking for maximize studies', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 2 }), ['maximize']);
    d.report(d.start(), 1, 5);
    expect(d.report(d.start(), 1, 4).prune).toBe(true);
    expect(d.report(d.start(), 1, 6).prune).toBe(false);
  });

  it('lets a lone trial in a single-trial study pass every rung', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 2 }));
    const t = d.start();
    for (let s = 1; s <= 64; s++) expect(d.report(t, s, 100 - s).prune).toBe(false);
    expect(d.attr(t, 'completed_rung_6')).toBe(36);
  });

  it('stops a trial whose value at a rung is NaN, without recording NaN as a competitor', () => {
    const d = new PrunerDriver(asha());
    const t = d.start();
    expect(d.report(t, 1, Number.NaN).prune).toBe(true);
    expect(d.attr(t, 'completed_rung_0')).toBeUndefined();
    expect(d.report(d.start(), 1, 100).prune).toBe(false);
  });

  it('answers prune again on any later report of a stopped trial, and is idempotent on a re-report', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 2 }));
    d.report(d.start(), 1, 1);
    const t = d.start();
    expect(d.report(t, 1, 2).prune).toBe(true);
    expect(d.attr(t, STOPPED_AT_RUNG_ATTR)).toBe(0);
    expect(d.report(t, 1, 2).prune).toBe(true);
    expect(d.report(t, 3, 0).prune).toBe(true);
    const u = d.start();
    expect(d.report(u, 1, 0.5).prune).toBe(false);
    expect(d.report(u, 1, 0.5)).toMatchObject({ prune: false });
  });

  it('does not count the trial twice when it is re-evaluated', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 2 }));
    d.report(d.start(), 2, 1); // rungs 0 (step 1) and 1 (step 2) hold 1
    const t = d.start();
    d.report(t, 1, 0.5);
    expect(d.attr(t, 'completed_rung_0')).toBe(0.5);
    // Rung 1 (step 2): [1, 0.5] → top 1 is 0.5, promoted. Evaluated once more with the same history, same answer.
    expect(d.report(t, 2, 0.5).prune).toBe(false);
    expect(d.report(t, 2, 0.5).prune).toBe(false);
  });

  it('ignores an out-of-order report below the rung the trial already passed', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 2 }));
    d.report(d.start(), 8, 0); // a strong competitor at rungs 0..3
    const t = d.start();
    d.report(t, 1, 0); // ties: promoted at rung 0
    expect(d.report(t, 1, 0).prune).toBe(false);
    // A late, bad report at step 1 (rung 0 already recorded) changes nothing and prunes nothing.
    const late = d.report(t, 0.5, 100);
    expect(late.prune).toBe(false);
    expect(late.systemAttrs).toEqual({});
  });

  it('with min early-stopping rate s starts its first rung at minResource·η^s', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 3, minEarlyStoppingRate: 2 }));
    d.report(d.start(), 9, 0);
    const t = d.start();
    expect(d.report(t, 8, 5).prune).toBe(false);
    expect(d.report(t, 9, 5).prune).toBe(true);
  });

  it('lets trials through while a rung holds no more than bootstrapCount values, then ranks them', () => {
    const d = new PrunerDriver(asha({ reductionFactor: 2, bootstrapCount: 2 }));
    expect(d.report(d.start(), 1, 1).prune).toBe(false);
    expect(d.report(d.start(), 1, 9).prune).toBe(false); // worse, but the rung is still bootstrapping
    expect(d.report(d.start(), 1, 8).prune).toBe(true); // 3 values: top 1 of [1, 9, 8] is 1
    expect(d.report(d.start(), 1, 0).prune).toBe(false);
  });

  it("learns an 'optuna' auto min resource from the first complete trial (1% of its last step) and stores it once", () => {
    const d = new PrunerDriver(asha({ minResource: undefined, autoMinResource: 'optuna', reductionFactor: 2 }));
    const first = d.start();
    for (let s = 1; s <= 400; s++) expect(d.report(first, s, 1).prune).toBe(false);
    d.finish(first);
    const t = d.start();
    expect(d.report(t, 3, 5).systemAttrs).toMatchObject({ [LEARNED_MIN_RESOURCE_ATTR]: 4 });
    expect(d.report(t, 4, 0.5).prune).toBe(false); // rung 0 at step 4: better than the complete trial's 1 there
    const u = d.start();
    const du = d.report(u, 4, 6);
    expect(du.prune).toBe(true);
    expect(du.systemAttrs?.[LEARNED_MIN_RESOURCE_ATTR]).toBeUndefined(); // read back from trial 1, not relearned
  });

  it('keeps the first learned min resource even when a longer trial completes later', () => {
    const d = new PrunerDriver(asha({ minResource: undefined, autoMinResource: 'optuna', reductionFactor: 2 }));
    const a = d.start();
    d.report(a, 100, 1);
    d.finish(a);
    const b = d.start();
    d.report(b, 1, 1); // learns 1
    const c = d.start();
    d.report(c, 1000, 1);
    d.finish(c);
    const e = d.start();
    d.report(e, 1, 0.5);
    expect(d.attr(e, 'completed_rung_0')).toBe(0.5); // rung 0 still at step 1, not 10
  });
});

describe('SuccessiveHalvingPruner with a learned (predictive) min resource', () => {
  const rule = { minTrials: 3, minRecall: 0.6 };
  const learning = (o: Partial<ConstructorParameters<typeof SuccessiveHalvingPruner>[0]> = {}) =>
    asha({ minResource: undefined, autoMinResource: rule, ...o });
  /** Runs a trial through steps 1..4 with value base + 1/s and completes it (curves that never cross). */
  const complete = (d: PrunerDriver, base: number) => {
    const t = d.start();
    for (let s = 1; s <= 4; s++) d.report(t, s, base + 1 / s);
    d.finish(t);
    return t;
  };

  it('prunes nothing until minTrials trials are complete, then stores the step where ranking became predictive', () => {
    const d = new PrunerDriver(learning());
    complete(d, 0);
    complete(d, 1);
    const t = d.start();
    const early = d.report(t, 1, 100);
    expect(early.prune).toBe(false);
    expect(early.reason).toMatch(/3 complete trials/);
    d.finish(t);
    const u = d.start();
    const decision = d.report(u, 1, 50);
    expect(decision.systemAttrs?.[LEARNED_MIN_RESOURCE_ATTR]).toBe(1);
    // Rung 0 at step 1 now holds the complete trials' step-1 values (1, 2, 101) and 50: top 2 of 4 is {1, 2}.
    expect(decision.prune).toBe(true);
  });

  it('judges a trial that passed the rung while it was being learned on its value at the rung step', () => {
    const d = new PrunerDriver(learning());
    const late = d.start();
    d.report(late, 1, 9); // the rung is not known yet
    for (const base of [0, 1, 2]) complete(d, base);
    const decision = d.report(late, 2, 0); // good now, but at step 1 it was the worst
    expect(decision.prune).toBe(true);
    expect(decision.reason).toMatch(/^9 at step 1 /);
    expect(d.attr(late, 'completed_rung_0')).toBe(9);
  });

  it('keeps a tie with the promotion bar, NaN at the rung step stops', () => {
    const d = new PrunerDriver(learning());
    for (const base of [0, 1, 2]) complete(d, base); // step-1 values 1, 2, 3
    expect(d.report(d.start(), 1, 2).prune).toBe(false); // 4 values, top 2 = {1, 2}: the tie at 2 continues
    const nan = d.start();
    const decision = d.report(nan, 1, Number.NaN);
    expect(decision.prune).toBe(true);
    expect(d.attr(nan, STOPPED_AT_RUNG_ATTR)).toBe(0);
  });

  it('ranks from the top when maximizing', () => {
    const d = new PrunerDriver(learning(), ['maximize']);
    for (const base of [0, -1, -2]) {
      const t = d.start();
      for (let s = 1; s <= 4; s++) d.report(t, s, base - 1 / s);
      d.finish(t);
    }
    // Step-1 values −1, −2, −3: a trial at −2.5 is third of four, −0.5 is first.
    expect(d.report(d.start(), 1, -2.5).prune).toBe(true);
    expect(d.report(d.start(), 1, -0.5).prune).toBe(false);
  });

  it('with a single complete trial and minTrials 1 learns from it alone and ranks against it', () => {
    const d = new PrunerDriver(learning({ autoMinResource: { minTrials: 1, minRecall: 1 } }));
    complete(d, 0); // 1 at step 1: ahead of itself at every step, so the rung goes to step 1
    const worse = d.start();
    expect(d.report(worse, 1, 100).prune).toBe(true);
    expect(d.attr(worse, LEARNED_MIN_RESOURCE_ATTR)).toBe(1);
    expect(d.report(d.start(), 1, 0.5).prune).toBe(false);
  });

  it('lets the sampler learn from every trial, stopped ones included (its rungs are predictive)', () => {
    const trials = [
      makeTrial({ number: 0, state: 'PRUNED', systemAttrs: { stopped_at_rung: 0 } }),
      makeTrial({ number: 1, state: 'COMPLETE' }),
    ];
    expect(learning().samplerView(makeStudy(trials)).getTrials().map((t) => t.number)).toEqual([0, 1]);
    expect(learning({ autoMinResource: 'optuna' }).samplerView(makeStudy(trials)).getTrials().map((t) => t.number)).toEqual([1]);
  });
});

describe('SuccessiveHalvingPruner.samplerView', () => {
  it('hides from the sampler only the trials stopped at the first rung once told PRUNED', () => {
    const trials = [
      makeTrial({ number: 0, state: 'PRUNED', systemAttrs: { stopped_at_rung: 0 } }),
      makeTrial({ number: 1, state: 'PRUNED', systemAttrs: { stopped_at_rung: 1 } }),
      makeTrial({ number: 2, state: 'PRUNED' }), // pruned by the worker itself: kept
      makeTrial({ number: 3, state: 'RUNNING', systemAttrs: { stopped_at_rung: 0 } }), // not told yet: still a running point
      makeTrial({ number: 4, state: 'COMPLETE' }),
    ];
    const view = asha().samplerView(makeStudy(trials));
    expect(view.getTrials().map((t) => t.number)).toEqual([1, 2, 3, 4]);
    expect(view.getTrials(['PRUNED']).map((t) => t.number)).toEqual([1, 2]);
  });
});

describe('isPromotable', () => {
  it('takes the floor(n/η)-th best as the bar, with at least one promoted', () => {
    expect(isPromotable(3, [1, 2, 3, 4, 5, 6], 3, false)).toBe(false);
    expect(isPromotable(2, [1, 2, 3, 4, 5, 6], 3, false)).toBe(true);
    expect(isPromotable(5, [1, 2, 3, 4, 5, 6], 3, true)).toBe(true);
    expect(isPromotable(4, [1, 2, 3, 4, 5, 6], 3, true)).toBe(false);
  });
});
