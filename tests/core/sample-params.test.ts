import { describe, expect, it } from 'vitest';
import type { Distribution, SearchSpace } from '../../src/core/distribution.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import type { RelativeSample, Sampler } from '../../src/core/sampler.js';
import {
  FIXED_PARAMS_ATTR,
  RELATIVE_PARAMS_ATTR,
  sampleTrialStart,
  suggestParam,
  withParam,
} from '../../src/core/sample-params.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';

const x: Distribution = { kind: 'float', low: 0, high: 10, log: false };
const y: Distribution = { kind: 'int', low: 0, high: 10, log: false, step: 1 };

/** A sampler that samples x jointly as 7 and everything else independently as 1, counting its calls. */
class RecordingSampler implements Sampler {
  independentCalls: string[] = [];
  inferRelativeSearchSpace(_s: unknown, _t: unknown, declared: SearchSpace): SearchSpace {
    return 'x' in declared ? { x: declared.x } : { x };
  }
  sampleRelative(_s: unknown, _t: unknown, space: SearchSpace): RelativeSample {
    return { params: 'x' in space ? { x: 7 } : {}, systemAttrs: { marker: 'kept' } };
  }
  sampleIndependent(_s: unknown, _t: unknown, name: string): number {
    this.independentCalls.push(name);
    return 1;
  }
}

describe('sampleTrialStart', () => {
  it('takes the joint sample where the sampler gives one and samples the rest independently', () => {
    const sampler = new RecordingSampler();
    const chosen = sampleTrialStart(sampler, makeStudy([]), makeTrial({ number: 0, state: 'RUNNING' }), { x, y });
    expect(chosen.internal).toEqual({ x: 7, y: 1 });
    expect(sampler.independentCalls).toEqual(['y']);
    expect(chosen.systemAttrs.marker).toBe('kept');
  });

  it('uses enqueued fixed values before sampling, and rejects those outside the declared distribution', () => {
    const sampler = new RecordingSampler();
    const trial = makeTrial({ number: 0, state: 'RUNNING', systemAttrs: { [FIXED_PARAMS_ATTR]: { y: 4 } } });
    expect(sampleTrialStart(sampler, makeStudy([]), trial, { y }).internal).toEqual({ y: 4 });
    const bad = makeTrial({ number: 0, state: 'RUNNING', systemAttrs: { [FIXED_PARAMS_ATTR]: { y: 40 } } });
    expect(() => sampleTrialStart(sampler, makeStudy([]), bad, { y })).toThrow(InvalidArgumentError);
  });

  it('stores relative params for define-by-run suggests made later', () => {
    const sampler = new RecordingSampler();
    const trial = makeTrial({ number: 0, state: 'RUNNING' });
    const chosen = sampleTrialStart(sampler, makeStudy([]), trial, {});
    expect(chosen.internal).toEqual({});
    const later = { ...trial, systemAttrs: chosen.systemAttrs };
    expect(later.systemAttrs[RELATIVE_PARAMS_ATTR]).toEqual({ x: 7 });
    expect(suggestParam(sampler, makeStudy([]), later, 'x', x, 'params[0]')).toBe(7);
    // A different distribution for x than the relative one: sampled independently instead.
    expect(suggestParam(sampler, makeStudy([]), later, 'x', { ...x, high: 20 }, 'params[0]')).toBe(1);
  });
});

describe('suggestParam', () => {
  it('returns the existing value for the same distribution and refuses a different one', () => {
    const sampler = new RecordingSampler();
    const trial = withParam(makeTrial({ number: 0, state: 'RUNNING' }), 'y', y, 3);
    expect(suggestParam(sampler, makeStudy([]), trial, 'y', y, 'params[0]')).toBe(3);
    expect(() => suggestParam(sampler, makeStudy([]), trial, 'y', { ...y, high: 5 }, 'params[0]')).toThrow(
      /already suggested/,
    );
  });
});
