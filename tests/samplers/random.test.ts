import { describe, expect, it } from 'vitest';
import { containsInternal, type Distribution } from '../../src/core/distribution.js';
import { RandomSampler } from '../../samplers/random.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';

const spaces: Record<string, Distribution> = {
  float: { kind: 'float', low: -2, high: 3, log: false },
  logFloat: { kind: 'float', low: 1e-5, high: 1, log: true },
  stepFloat: { kind: 'float', low: 0, high: 1, log: false, step: 0.25 },
  int: { kind: 'int', low: -3, high: 3, log: false, step: 1 },
  stepInt: { kind: 'int', low: 0, high: 10, log: false, step: 5 },
  logInt: { kind: 'int', low: 1, high: 1000, log: true, step: 1 },
  cat: { kind: 'categorical', choices: ['a', 'b', 'c'] },
};

describe('RandomSampler', () => {
  const sampler = new RandomSampler();

  it('keeps every draw inside its distribution and on its grid', () => {
    for (let n = 0; n < 300; n++) {
      const trial = makeTrial({ number: n, state: 'RUNNING' });
      for (const [name, d] of Object.entries(spaces)) {
        expect(containsInternal(d, sampler.sampleIndependent(makeStudy([], { seed: 5 }), trial, name, d))).toBe(true);
      }
    }
  });

  it('gives the same params for the same study seed and trial number whatever else happened', () => {
    const d = spaces.float;
    const lone = sampler.sampleIndependent(makeStudy([], { seed: 9 }), makeTrial({ number: 4 }), 'x', d);
    const busy = makeStudy(Array.from({ length: 4 }, (_, i) => makeTrial({ number: i })), { seed: 9 });
    expect(sampler.sampleIndependent(busy, makeTrial({ number: 4 }), 'x', d)).toBe(lone);
    expect(sampler.sampleIndependent(makeStudy([], { seed: 10 }), makeTrial({ number: 4 }), 'x', d)).not.toBe(lone);
  });

  it('spreads log-scaled draws evenly over decades', () => {
    const d = spaces.logFloat;
    let belowMilli = 0;
    for (let n = 0; n < 2000; n++) {
      if (sampler.sampleIndependent(makeStudy([], { seed: 1 }), makeTrial({ number: n }), 'lr', d) < 1e-3) belowMilli++;
    }
    // 2 of 5 decades lie below 1e-3.
    expect(belowMilli / 2000).toBeGreaterThan(0.35);
    expect(belowMilli / 2000).toBeLessThan(0.45);
  });
});
