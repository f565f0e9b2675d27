import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../src/core/distribution.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { SamplerExhausted } from '../../src/core/sampler.js';
import { GRID_ID_ATTR, GridSampler } from '../../samplers/grid.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';

describe('GridSampler', () => {
  const axes = { x: [1, 2, 3], opt: ['adam', 'sgd'] };

  it('hands out every point exactly once, then says it is exhausted', () => {
    const sampler = new GridSampler(axes);
    const trials: FrozenTrial[] = [];
    for (let n = 0; n < 6; n++) {
      const trial = makeTrial({ number: n, state: 'RUNNING' });
      const { systemAttrs } = sampler.sampleRelative(makeStudy(trials), trial);
      trials.push({ ...trial, systemAttrs: { ...systemAttrs } });
    }
    const ids = trials.map((t) => t.systemAttrs[GRID_ID_ATTR]);
    expect(new Set(ids).size).toBe(6);
    expect(() => sampler.sampleRelative(makeStudy(trials), makeTrial({ number: 6, state: "RUNNING" }))).toThrow(SamplerExhausted);
  });

  it('gives a failed trial its point back', () => {
    const sampler = new GridSampler({ x: [1] });
    const failed = makeTrial({ number: 0, state: 'FAIL', systemAttrs: { [GRID_ID_ATTR]: 0 } });
    const { systemAttrs } = sampler.sampleRelative(makeStudy([failed]), makeTrial({ number: 1, state: "RUNNING" }));
    expect(systemAttrs?.[GRID_ID_ATTR]).toBe(0);
  });

  it('reads each parameter from the trial grid point and checks it against the suggested distribution', () => {
    const sampler = new GridSampler(axes);
    const trial = makeTrial({ number: 0, state: 'RUNNING', systemAttrs: { [GRID_ID_ATTR]: 5 } });
    const cat: Distribution = { kind: 'categorical', choices: ['sgd', 'adam'] };
    const x: Distribution = { kind: 'int', low: 0, high: 5, log: false, step: 1 };
    expect(sampler.sampleIndependent(makeStudy([]), trial, 'x', x)).toBe(3);
    expect(sampler.sampleIndependent(makeStudy([]), trial, 'opt', cat)).toBe(0);
    expect(() => sampler.sampleIndependent(makeStudy([]), trial, 'x', { kind: 'int', low: 0, high: 2, log: false, step: 1 })).toThrow(InvalidArgumentError);
    expect(() => sampler.sampleIndependent(makeStudy([]), trial, 'missing', x)).toThrow(/not in the grid/);
  });

  it('rejects an empty grid or an empty axis', () => {
    expect(() => new GridSampler({})).toThrow(InvalidArgumentError);
    expect(() => new GridSampler({ x: [] })).toThrow(InvalidArgumentError);
  });
});
