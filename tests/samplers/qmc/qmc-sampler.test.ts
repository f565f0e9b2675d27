import { describe, expect, it } from 'vitest';
import { containsInternal, type SearchSpace } from '../../../src/core/distribution.js';
import { sampleTrialStart } from '../../../src/core/sample-params.js';
import { createSampler } from '../../../samplers/create-sampler.js';
import { QmcSampler } from '../../../samplers/qmc/qmc-sampler.js';
import { unitToDistribution } from '../../../samplers/qmc/unit-to-distribution.js';
import { makeStudy, makeTrial } from '../../support/make-trial.js';

const SPACE: SearchSpace = {
  lr: { kind: 'float', low: 1e-5, high: 1e-1, log: true },
  x: { kind: 'float', low: -1, high: 1, log: false },
  dropout: { kind: 'float', low: 0, high: 0.5, log: false, step: 0.1 },
  layers: { kind: 'int', low: 1, high: 4, log: false, step: 1 },
  width: { kind: 'int', low: 16, high: 1024, log: true, step: 1 },
  batch: { kind: 'int', low: 8, high: 64, log: false, step: 8 },
  opt: { kind: 'categorical', choices: ['adam', 'sgd', null] },
};

describe('unitToDistribution', () => {
  it('maps quantiles onto every distribution kind', () => {
    expect(unitToDistribution(SPACE.lr, 0)).toBeCloseTo(1e-5, 15);
    expect(unitToDistribution(SPACE.lr, 0.5)).toBeCloseTo(1e-3, 12);
    expect(unitToDistribution(SPACE.x, 0.75)).toBe(0.5);
    // 6 grid values 0, 0.1, …, 0.5: each gets a sixth of the unit interval.
    expect(unitToDistribution(SPACE.dropout, 0.16)).toBe(0);
    expect(unitToDistribution(SPACE.dropout, 0.17)).toBeCloseTo(0.1, 12);
    expect(unitToDistribution(SPACE.dropout, 0.999)).toBe(0.5);
    expect(unitToDistribution(SPACE.layers, 0.24)).toBe(1);
    expect(unitToDistribution(SPACE.layers, 0.26)).toBe(2);
    expect(unitToDistribution(SPACE.layers, 0.99)).toBe(4);
    expect(unitToDistribution(SPACE.batch, 0.99)).toBe(64);
    expect(unitToDistribution(SPACE.opt, 0.7)).toBe(2);
  });

  it('gives each value of a discrete distribution an equal share of a fine uniform grid', () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 8000; i++) {
      const v = unitToDistribution(SPACE.batch, (i + 0.5) / 8000);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([8, 16, 24, 32, 40, 48, 56, 64]);
    for (const c of counts.values()) expect(c).toBe(1000);
  });

  it('spreads log ints over log space, end points included', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 40000; i++) seen.add(unitToDistribution(SPACE.width, i / 40000));
    expect(seen.has(16)).toBe(true);
    expect(seen.has(1024)).toBe(true);
    // Half the mass below the geometric middle (~128).
    let below = 0;
    for (let i = 0; i < 4000; i++) if (unitToDistribution(SPACE.width, i / 4000) < 128) below++;
    expect(below / 4000).toBeGreaterThan(0.45);
    expect(below / 4000).toBeLessThan(0.55);
  });
});

describe('QmcSampler', () => {
  it('is built by createSampler and gives legal values for every distribution kind', () => {
    const sampler = createSampler({ kind: 'qmc', options: {} });
    const study = makeStudy([], { seed: 5 });
    for (let n = 0; n < 64; n++) {
      const trial = makeTrial({ number: n, state: 'RUNNING' });
      const chosen = sampleTrialStart(sampler, study, trial, SPACE);
      for (const [name, d] of Object.entries(SPACE)) expect(containsInternal(d, chosen.internal[name])).toBe(true);
    }
  });

  it('takes point n of the sequence for trial n, whatever trials exist, so parallel workers fill the space', () => {
    const sampler = new QmcSampler({ scramble: false });
    const space: SearchSpace = { a: { kind: 'float', low: 0, high: 1, log: false }, b: { kind: 'float', low: 0, high: 1, log: false } };
    const lonely = makeStudy([], { seed: 1 });
    const crowded = makeStudy([makeTrial({ number: 0 }), makeTrial({ number: 1 }), makeTrial({ number: 2, state: 'RUNNING' })], { seed: 1 });
    const t3 = makeTrial({ number: 3, state: 'RUNNING' });
    expect(sampler.sampleRelative(lonely, t3, space).params).toEqual({ a: 0.25, b: 0.75 });
    expect(sampler.sampleRelative(crowded, t3, space).params).toEqual({ a: 0.25, b: 0.75 });
  });

  it('is deterministic per seed and different across seeds (scrambled by default)', () => {
    const space: SearchSpace = { x: SPACE.x, opt: SPACE.opt };
    const draw = (sampler: QmcSampler, seed: number) =>
      Array.from({ length: 8 }, (_, n) => sampler.sampleRelative(makeStudy([], { seed }), makeTrial({ number: n, state: 'RUNNING' }), space).params);
    expect(draw(new QmcSampler(), 9)).toEqual(draw(new QmcSampler(), 9));
    expect(draw(new QmcSampler(), 9)).not.toEqual(draw(new QmcSampler(), 10));
    expect(draw(new QmcSampler({ sequence: 'halton' }), 9)).toEqual(draw(new QmcSampler({ sequence: 'halton' }), 9));
  });

  it('falls back to uniform coordinates beyond the Sobol dimensions without failing', () => {
    const space: Record<string, (typeof SPACE)['x']> = {};
    for (let i = 0; i < 1100; i++) space[`p${i}`] = { kind: 'float', low: 0, high: 1, log: false };
    const params = new QmcSampler().sampleRelative(makeStudy([], { seed: 2 }), makeTrial({ number: 3, state: 'RUNNING' }), space).params;
    expect(Object.keys(params)).toHaveLength(1100);
    for (const v of Object.values(params)) expect(v >= 0 && v < 1).toBe(true);
  });

  it('infers the joint space from finished trials in define-by-run studies', () => {
    const d = SPACE.x;
    const trials = [
      makeTrial({ number: 0, paramsWith: { x: [d, 0.1], y: [d, 0.2] } }),
      makeTrial({ number: 1, paramsWith: { x: [d, 0.3] } }),
    ];
    const sampler = new QmcSampler();
    const study = makeStudy(trials);
    expect(Object.keys(sampler.inferRelativeSearchSpace(study, makeTrial({ number: 2, state: 'RUNNING' }), {}))).toEqual(['x']);
  });

  it('rejects an unknown sequence naming the field', () => {
    expect(() => new QmcSampler({ sequence: 'faure' as never })).toThrow(/sampler\.qmc\.sequence/);
  });
});
