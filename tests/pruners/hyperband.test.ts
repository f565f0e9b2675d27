import { describe, expect, it } from 'vitest';
import { BRACKET_ATTR, HyperbandPruner, LEARNED_MAX_RESOURCE_ATTR, LEARNED_MIN_RESOURCE_ATTR, crc32 } from '../../pruners/hyperband.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';
import { PrunerDriver } from './pruner-driver.js';

const hyperband = (o: Partial<ConstructorParameters<typeof HyperbandPruner>[0]> = {}) =>
  new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3, bootstrapCount: 0, ...o });

describe('HyperbandPruner', () => {
  it('uses ⌊log_η(max/min)⌋ + 1 brackets', () => {
    expect(hyperband().bracketCount(27)).toBe(4);
    expect(hyperband().bracketCount(26)).toBe(3);
    expect(hyperband({ minResource: 2 }).bracketCount(100)).toBe(4);
  });

  it('assigns brackets from a stable hash of (study seed, trial number): same in every instance, in the paper proportions', () => {
    const study = makeStudy([], { seed: 42 });
    const a = hyperband();
    const b = hyperband();
    const counts = [0, 0, 0, 0];
    for (let n = 0; n < 4000; n++) {
      const bracket = a.bracketFor(study, n)!;
      expect(b.bracketFor(study, n)).toBe(bracket);
      counts[bracket]++;
    }
    // Budgets for 4 brackets, η = 3: ⌈4·27/4⌉ = 27, ⌈4·9/3⌉ = 12, ⌈4·3/2⌉ = 6, ⌈4/1⌉ = 4 (of 49).
    const expected = [27, 12, 6, 4].map((x) => (x / 49) * 4000);
    counts.forEach((c, i) => expect(Math.abs(c - expected[i])).toBeLessThan(expected[i] * 0.25));
    // Another seed gives another assignment.
    const other = makeStudy([], { seed: 43 });
    const differs = Array.from({ length: 50 }, (_, n) => a.bracketFor(other, n) !== a.bracketFor(study, n)).some(Boolean);
    expect(differs).toBe(true);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('lets the sampler learn from complete and running trials of every bracket but only from its own bracket’s pruned ones', () => {
    const pruner = hyperband();
    const states = ['COMPLETE', 'RUNNING', 'PRUNED', 'FAIL'] as const;
    const trials = Array.from({ length: 60 }, (_, n) =>
      makeTrial({ number: n, state: states[n % 4], systemAttrs: n % 8 === 2 ? { stopped_at_rung: 1 } : n % 8 === 6 ? { stopped_at_rung: 0 } : {} }),
    );
    const study = makeStudy(trials, { seed: 7 });
    const asking = makeTrial({ number: 60, state: 'RUNNING' });
    const mine = pruner.bracketFor(study, 60);
    const seen = new Set(pruner.samplerView(study, asking).getTrials().map((t) => t.number));
    for (const t of trials) {
      const sameBracket = pruner.bracketFor(study, t.number) === mine;
      const expected = t.state !== 'PRUNED' || (sameBracket && t.systemAttrs.stopped_at_rung !== 0);
      expect(seen.has(t.number), `trial ${t.number} (${t.state}, bracket ${pruner.bracketFor(study, t.number)})`).toBe(expected);
    }
    // Both kinds of pruned trials occur, so the filter was exercised.
    expect(trials.some((t) => t.state === 'PRUNED' && pruner.bracketFor(study, t.number) !== mine)).toBe(true);
    expect([...seen].some((n) => trials[n].state === 'PRUNED')).toBe(true);
    // Successive halving inside the bracket still compares with its own bracket only.
    const bracketOnly = pruner.bracketTrials(study, 60)!.getTrials();
    expect(bracketOnly.length).toBeLessThan(60);
    for (const t of bracketOnly) expect(pruner.bracketFor(study, t.number)).toBe(mine);
  });

  it('hands the sampler the whole study while the max resource is still being learned', () => {
    const pruner = hyperband({ maxResource: undefined });
    const trials = [makeTrial({ number: 0, state: 'PRUNED', systemAttrs: { stopped_at_rung: 0 } })];
    expect(pruner.samplerView(makeStudy(trials), makeTrial({ number: 1, state: 'RUNNING' })).getTrials()).toHaveLength(1);
  });

  it('compares a trial only with trials of its own bracket, and records the bracket', () => {
    const pruner = hyperband();
    const d = new PrunerDriver(pruner, ['minimize'], 3);
    const bracketOf = (n: number) => pruner.bracketFor(d.study(), n)!;
    // Find two trial numbers in bracket 0 and one in another bracket.
    const numbers = Array.from({ length: 40 }, (_, n) => n);
    const zero = numbers.filter((n) => bracketOf(n) === 0);
    const notZero = numbers.filter((n) => bracketOf(n) !== 0);
    for (let n = 0; n < 40; n++) d.start();
    // A strong trial in another bracket reaches step 27 (all its rungs).
    d.report(notZero[0], 27, -100);
    // The first bracket-0 trial is alone in its bracket at rung 0: kept, though far worse than the other bracket.
    const first = d.report(zero[0], 1, 5);
    expect(first.prune).toBe(false);
    expect(d.attr(zero[0], BRACKET_ATTR)).toBe(0);
    // A worse one in bracket 0 is stopped at rung 0 (only the best passes while fewer than η compete).
    expect(d.report(zero[1], 1, 6).prune).toBe(true);
  });

  it('lets the last bracket run (its first rung is at the max resource)', () => {
    const pruner = hyperband();
    const d = new PrunerDriver(pruner, ['minimize'], 11);
    for (let n = 0; n < 200; n++) d.start();
    const last = Array.from({ length: 200 }, (_, n) => n).filter((n) => pruner.bracketFor(d.study(), n) === 3);
    d.report(last[0], 26, 0);
    for (let s = 1; s < 27; s++) expect(d.report(last[1], s, 10).prune).toBe(false);
  });

  it("learns an 'auto' max resource from the first complete trial, stores it, and filters the sampler only after", () => {
    const pruner = hyperband({ maxResource: undefined });
    const d = new PrunerDriver(pruner, ['minimize'], 5);
    const first = d.start();
    for (let s = 0; s <= 26; s++) d.report(first, s, 1);
    d.finish(first);
    const t = d.start();
    const decision = d.report(t, 1, 1);
    expect(decision.systemAttrs?.[LEARNED_MAX_RESOURCE_ATTR]).toBe(27);
    expect(pruner.bracketFor(d.study(), 0)).toBeDefined();
    expect(hyperband({ maxResource: undefined }).bracketFor(d.study(), 5)).toBe(hyperband().bracketFor(d.study(), 5));
  });

  it('agrees with a fresh instance on every decision for the same history (no hidden state)', () => {
    const a = new PrunerDriver(hyperband(), ['minimize'], 9);
    const values = Array.from({ length: 30 }, (_, n) => ((n * 37) % 17) / 17);
    for (const v of values) {
      const t = a.start();
      for (const s of [1, 3, 9]) {
        const decision = a.report(t, s, v - s * 0.01);
        const fresh = hyperband().prune(a.study(), a.trials[t], s);
        expect(fresh.prune).toBe(decision.prune);
        if (decision.prune) break;
      }
    }
  });
});

describe('HyperbandPruner with a learned min resource', () => {
  const rule = { minTrials: 3, minRecall: 1 };
  const learning = () => hyperband({ minResource: undefined, minResourceRule: rule });
  /** A complete trial through steps 1..26 with value at step s = f(s). */
  const complete = (d: PrunerDriver, f: (s: number) => number) => {
    const t = d.start();
    for (let s = 1; s <= 26; s++) d.report(t, s, f(s));
    d.finish(t);
  };

  it('prunes nothing before minTrials complete trials, then stores the step where the best were already ahead', () => {
    const d = new PrunerDriver(learning(), ['minimize'], 4);
    // Trial n ends at n; before step 9 trial 0 (the best) is behind the others.
    const curve = (n: number) => (s: number) => (s < 9 ? (n === 0 ? 50 : n) : n + 1 / s);
    complete(d, curve(0));
    complete(d, curve(1));
    const t = d.start();
    expect(d.report(t, 1, 1000).prune).toBe(false);
    complete(d, curve(2));
    const decision = d.report(t, 2, 1000);
    expect(decision.systemAttrs?.[LEARNED_MIN_RESOURCE_ATTR]).toBe(9);
    expect(learning().bracketCount(27, 9)).toBe(2); // rungs from 9 up to 27: log3(3) + 1 brackets
  });

  it('judges a trial that passed its first rung while the min resource was learned on its value there, against the complete trials', () => {
    const d = new PrunerDriver(learning(), ['minimize'], 4);
    // With min resource 1 and max 27 the layout is the one the learned min resource will give: pick bracket 0.
    const zero = Array.from({ length: 60 }, (_, n) => n).filter((n) => hyperband().bracketFor(makeStudy([], { seed: 4 }), n) === 0);
    for (let n = 0; n <= zero[3]; n++) d.start();
    const late = zero[0];
    d.report(late, 1, 9); // nothing known yet
    for (const [i, n] of zero.slice(1, 4).entries()) {
      for (let s = 1; s <= 26; s++) d.report(n, s, i + 1 / s); // step-1 values 1, 2, 3; never crossing
      d.finish(n);
    }
    const decision = d.report(late, 2, 0);
    expect(decision.systemAttrs?.[LEARNED_MIN_RESOURCE_ATTR]).toBe(1);
    expect(decision.prune).toBe(true); // 9 at step 1 is behind 1, 2, 3 there; 0 at step 2 would have passed alone
    expect(decision.reason).toMatch(/^bracket 0: 9 at step 1 /);
  });

  it('reads the best as the largest when maximizing', () => {
    const d = new PrunerDriver(learning(), ['maximize'], 4);
    for (const n of [0, 1, 2]) complete(d, (s) => (s < 3 ? -n : n)); // the largest finals are behind before step 3
    expect(d.report(d.start(), 1, 0).systemAttrs?.[LEARNED_MIN_RESOURCE_ATTR]).toBe(3);
  });

  it("shows the sampler only its own bracket's trials (as Optuna), pruned ones at the first rung included", () => {
    const pruner = hyperband({ minResource: undefined });
    // 50 trials stopped at their first rung, one complete; trial 0 stored the learned min resource.
    const trials = Array.from({ length: 50 }, (_, n) =>
      makeTrial({ number: n, state: 'PRUNED', systemAttrs: { stopped_at_rung: 0, ...(n === 0 ? { [LEARNED_MIN_RESOURCE_ATTR]: 1 } : {}) } }),
    );
    const bracketOf = (n: number) => pruner.bracketFor(makeStudy(trials, { seed: 2 }), n);
    const own = bracketOf(50);
    const mine = trials.filter((t) => bracketOf(t.number) === own).map((t) => t.number);
    const other = trials.find((t) => bracketOf(t.number) !== own)!.number;
    trials[other] = { ...trials[other], state: 'COMPLETE' };
    const view = pruner.samplerView(makeStudy(trials, { seed: 2 }), makeTrial({ number: 50, state: 'RUNNING' }));
    expect(mine.length).toBeGreaterThan(0);
    expect(view.getTrials().map((t) => t.number)).toEqual(mine);
  });
});
