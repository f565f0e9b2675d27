import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../src/core/distribution.js';
import { createRng } from '../../../src/core/rng.js';
import { localCandidates } from '../../../samplers/tpe/local-refinement.js';
import { paramDomainOf } from '../../../samplers/tpe/param-domain.js';
import { LOCAL_ATTR, TpeSampler } from '../../../samplers/tpe/tpe-sampler.js';
import { makeStudy, makeTrial } from '../../support/make-trial.js';

describe('localCandidates', () => {
  const x: Distribution = { kind: 'float', low: 0, high: 10, log: false };
  const k: Distribution = { kind: 'int', low: 0, high: 10, log: false, step: 2 };
  const c: Distribution = { kind: 'categorical', choices: ['a', 'b'] };
  const domains = [x, k, c].map(paramDomainOf);

  it('centres on the best observation with a width set by the spread of the best few', () => {
    const tight = [Float64Array.from([5, 5.1, 4.9]), Float64Array.from([4, 4, 6]), Float64Array.from([1, 0, 0])];
    const wide = [Float64Array.from([5, 1, 9]), Float64Array.from([4, 4, 6]), Float64Array.from([1, 0, 0])];
    const spread = (top: Float64Array[]) => {
      const xs = localCandidates(domains, top, createRng(1), 500, 1)[0];
      return Math.sqrt(xs.reduce((s, v) => s + (v - 5) ** 2, 0) / xs.length);
    };
    expect(spread(tight)).toBeLessThan(0.2);
    expect(spread(wide)).toBeGreaterThan(1);
  });

  it('stays in the box, on the step grid, and keeps the incumbent category', () => {
    const top = [Float64Array.from([9.9, 0.1]), Float64Array.from([10, 0]), Float64Array.from([1, 0])];
    const pts = localCandidates(domains, top, createRng(2), 500, 1);
    for (let i = 0; i < 500; i++) {
      expect(pts[0][i]).toBeGreaterThanOrEqual(0);
      expect(pts[0][i]).toBeLessThanOrEqual(10);
      expect([0, 2, 4, 6, 8, 10]).toContain(pts[1][i]);
      expect(pts[2][i]).toBe(1);
    }
  });
});

describe('TpeSampler local refinement', () => {
  it('marks the trials it refines locally, about as often as local_fraction says', () => {
    const x: Distribution = { kind: 'float', low: -5, high: 5, log: false };
    const trials = Array.from({ length: 30 }, (_, i) => makeTrial({ number: i, values: [((i * 37) % 30) / 3], paramsWith: { x: [x, -5 + ((i * 37) % 30) / 3] } }));
    const count = (localFraction: number) => {
      const sampler = new TpeSampler({ localFraction });
      let marked = 0;
      for (let n = 30; n < 230; n++) {
        const out = sampler.sampleRelative(makeStudy(trials), makeTrial({ number: n, state: 'RUNNING' }), { x });
        if (out.systemAttrs?.[LOCAL_ATTR] === true) marked++;
      }
      return marked;
    };
    expect(count(0)).toBe(0);
    expect(count(0.35)).toBeGreaterThan(40);
    expect(count(0.35)).toBeLessThan(100);
  });
});
