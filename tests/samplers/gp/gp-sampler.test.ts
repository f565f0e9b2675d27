import { describe, expect, it } from 'vitest';
import { containsInternal, type SearchSpace } from '../../../src/core/distribution.js';
import { sampleTrialStart } from '../../../src/core/sample-params.js';
import type { FrozenTrial } from '../../../src/core/trial.js';
import { InMemoryStudy } from '../../../bench/support/in-memory-study.js';
import { createSampler } from '../../../samplers/create-sampler.js';
import { GP_KERNEL_ATTR, GpSampler } from '../../../samplers/gp/gp-sampler.js';
import { makeStudy, makeTrial } from '../../support/make-trial.js';

const FLOAT2: SearchSpace = {
  x: { kind: 'float', low: -2, high: 2, log: false },
  y: { kind: 'float', low: -2, high: 2, log: false },
};

const MIXED: SearchSpace = {
  lr: { kind: 'float', low: 1e-5, high: 1e-1, log: true },
  dropout: { kind: 'float', low: 0, high: 0.5, log: false, step: 0.05 },
  layers: { kind: 'int', low: 1, high: 8, log: false, step: 1 },
  width: { kind: 'int', low: 8, high: 512, log: true, step: 1 },
  opt: { kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] },
};

const quadratic = (p: FrozenTrial['params']) => ((p.x as number) - 0.5) ** 2 + ((p.y as number) + 0.7) ** 2;

function runStudy(sampler: GpSampler, n: number, f: (p: FrozenTrial['params']) => number, space = FLOAT2, seed = 3): InMemoryStudy {
  const study = new InMemoryStudy(['minimize'], seed, sampler);
  for (let i = 0; i < n; i++) {
    const t = study.ask(space);
    study.tell(t, 'COMPLETE', [f(t.params)]);
  }
  return study;
}

function fresh(number: number): FrozenTrial {
  return makeTrial({ number, state: 'RUNNING' });
}

describe('GpSampler', () => {
  it('is built by createSampler and converges on a smooth function', () => {
    const sampler = createSampler({ kind: 'gp', options: { nStartupTrials: 5 } }) as GpSampler;
    const study = runStudy(sampler, 25, quadratic);
    const best = Math.min(...study.allTrials().map((t) => t.values![0]));
    expect(best).toBeLessThan(1e-3);
  });

  it('gives the same suggestion for the same history, from a fresh instance as from the one that saw it grow', () => {
    const grown = new GpSampler({ nStartupTrials: 5 });
    const study = runStudy(grown, 14, quadratic);
    const view = study.view();
    const next = fresh(14);
    const a = sampleTrialStart(grown, view, next, FLOAT2);
    const b = sampleTrialStart(new GpSampler({ nStartupTrials: 5 }), view, next, FLOAT2);
    expect(b.internal).toEqual(a.internal);
    expect(b.systemAttrs).toEqual(a.systemAttrs);
    // Two seeded studies run from scratch agree trial by trial.
    const again = runStudy(new GpSampler({ nStartupTrials: 5 }), 14, quadratic);
    expect(again.allTrials().map((t) => t.params)).toEqual(study.allTrials().map((t) => t.params));
  });

  it('stores its fitted kernel parameters with the trial for the next warm start', () => {
    const study = runStudy(new GpSampler({ nStartupTrials: 4 }), 6, quadratic);
    const stored = study.allTrials()[5].systemAttrs[GP_KERNEL_ATTR] as { objective: number[]; fittedOn: number };
    expect(stored.objective).toHaveLength(4);
    expect(stored.fittedOn).toBe(5);
    expect(study.allTrials()[2].systemAttrs[GP_KERNEL_ATTR]).toBeUndefined();
  });

  it('spreads 8 concurrent asks instead of handing out copies of one point (constant liar)', () => {
    const study = runStudy(new GpSampler({ nStartupTrials: 8 }), 16, quadratic);
    const running = Array.from({ length: 8 }, () => study.ask(FLOAT2));
    const points = running.map((t) => [t.params.x as number, t.params.y as number]);
    let minDistance = Infinity;
    for (let i = 0; i < points.length; i++)
      for (let j = 0; j < i; j++) minDistance = Math.min(minDistance, Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]));
    // On a [-2, 2]² box: no two of them within 0.1 of each other (the believer gave 5e-4 here).
    expect(minDistance).toBeGreaterThan(0.1);
  });

  it('samples legal values for log, stepped, int, log-int and categorical parameters', () => {
    const f = (p: FrozenTrial['params']) =>
      Math.log10(p.lr as number) ** 2 + (p.dropout as number) + (p.layers as number) / 8 + Math.log2(p.width as number) / 9 + (p.opt === 'sgd' ? 0 : 1);
    const study = runStudy(new GpSampler({ nStartupTrials: 5 }), 16, f, MIXED);
    for (const t of study.allTrials()) for (const [name, d] of Object.entries(MIXED)) expect(containsInternal(d, t.internalParams[name])).toBe(true);
  });

  it('does not crash on duplicate points, constant values, infinite values or a single trial', () => {
    const d = FLOAT2.x;
    const dup = (number: number, value: number) => makeTrial({ number, paramsWith: { x: [d, 0.25], y: [d, 0.25] }, values: [value] });
    const cases: FrozenTrial[][] = [
      Array.from({ length: 6 }, (_, i) => dup(i, 1)),
      Array.from({ length: 6 }, (_, i) => dup(i, i === 2 ? Infinity : i === 3 ? -Infinity : i)),
      [dup(0, 3)],
    ];
    for (const trials of cases) {
      const sampler = new GpSampler({ nStartupTrials: 1 });
      const out = sampleTrialStart(sampler, makeStudy(trials), fresh(trials.length), FLOAT2);
      for (const [name, dist] of Object.entries(FLOAT2)) expect(containsInternal(dist, out.internal[name])).toBe(true);
    }
  });

  it('keeps sampling (from the QMC start-up) when every trial failed', () => {
    const failed = Array.from({ length: 12 }, (_, i) => makeTrial({ number: i, state: 'FAIL' }));
    const out = sampleTrialStart(new GpSampler(), makeStudy(failed), fresh(12), FLOAT2);
    expect(Object.keys(out.internal)).toEqual(['x', 'y']);
  });

  it('deterministic objective mode fits and samples', () => {
    const study = runStudy(new GpSampler({ nStartupTrials: 4, deterministicObjective: true }), 10, quadratic);
    expect(study.allTrials()).toHaveLength(10);
  });

  it('handles several objectives by random scalarisation, covering both ends of a trade-off', () => {
    const study = new InMemoryStudy(['minimize', 'minimize'], 5, new GpSampler({ nStartupTrials: 6 }));
    for (let i = 0; i < 24; i++) {
      const t = study.ask(FLOAT2);
      const x = t.params.x as number;
      const y = t.params.y as number;
      study.tell(t, 'COMPLETE', [(x - 1) ** 2 + y * y, (x + 1) ** 2 + y * y]);
    }
    const late = study.allTrials().slice(6);
    // The Pareto set is the segment y = 0, x in [-1, 1]: later trials concentrate near it.
    const nearFront = late.filter((t) => Math.abs(t.params.y as number) < 0.5 && Math.abs(t.params.x as number) <= 1.5).length;
    expect(nearFront / late.length).toBeGreaterThan(0.5);
  });

  it('with constraints, heads for the feasible region and finds the best feasible point', () => {
    // Minimise x² + y² subject to x >= 1 (constraint 1 - x <= 0): optimum (1, 0).
    const study = new InMemoryStudy(['minimize'], 7, new GpSampler({ nStartupTrials: 6 }));
    for (let i = 0; i < 26; i++) {
      const t = study.ask(FLOAT2);
      const x = t.params.x as number;
      const y = t.params.y as number;
      study.tell(t, 'COMPLETE', [x * x + y * y], [1 - x]);
    }
    const feasible = study.allTrials().filter((t) => t.constraints![0] <= 0);
    const best = Math.min(...feasible.map((t) => t.values![0]));
    expect(best).toBeLessThan(1.05);
    const late = study.allTrials().slice(16);
    expect(late.filter((t) => t.constraints![0] <= 0.05).length).toBeGreaterThanOrEqual(7);
  });

  it('rejects bad options naming the field', () => {
    expect(() => new GpSampler({ nCandidates: 0 })).toThrow(/sampler\.gp\.n_candidates/);
    expect(() => new GpSampler({ nStartupTrials: -1 })).toThrow(/sampler\.gp\.n_startup_trials/);
    expect(() => new GpSampler({ maxTrainingPoints: 1.5 })).toThrow(/sampler\.gp\.max_training_points/);
  });
});
