import { describe, expect, it } from 'vitest';
import {
  distributionFromWire,
  distributionToWire,
  paramValueFromWire,
  paramValueToWire,
  prunerFromWire,
  prunerToWire,
  sameDistribution,
  samplerFromWire,
  samplerToWire,
} from '../../../clients/typescript/src/conversions.js';
import { InvalidArgument, type PrunerOptions, type SamplerOptions } from '@hpo/client';

describe('sampler options', () => {
  it.each<SamplerOptions>([
    { random: {} },
    { tpe: { nStartupTrials: 10, multivariate: true, gamma: 'hyperopt', weights: 'uniform' } },
    { tpe: { bandwidth: 'optuna', bandwidthFactor: 0.5, marginalCandidates: 0.1, localFraction: 0, localTopK: 3, localScale: 2 } },
    { gp: { nStartupTrials: 8, deterministicObjective: true } },
    { qmc: { sequence: 'halton', scramble: false } },
    { grid: { axes: { x: [1, 2, 3], opt: ['adam', 'sgd'], flag: [true, null] } } },
  ])('round-trip through the wire unchanged: %j', (options) => {
    expect(samplerFromWire(samplerToWire(options))).toEqual(options);
  });

  it('rejects an object with two kinds, naming the field', () => {
    expect(() => samplerToWire({ tpe: {}, random: {} } as unknown as SamplerOptions)).toThrow(InvalidArgument);
    expect(() => samplerToWire({ tpe: {}, random: {} } as unknown as SamplerOptions)).toThrow(/^sampler: /);
  });

  it('rejects an unknown gamma by name', () => {
    expect(() => samplerToWire({ tpe: { gamma: 'magic' as 'optuna' } })).toThrow(/sampler\.tpe\.gamma/);
  });
});

describe('pruner options', () => {
  it.each<PrunerOptions>([
    { nop: {} },
    { median: { nStartupTrials: 5, nWarmupSteps: 2 } },
    { percentile: { percentile: 25, intervalSteps: 2 } },
    { successiveHalving: { reductionFactor: 4, minResource: 1 } },
    { hyperband: { minResource: 1, maxResource: 27, reductionFactor: 3 } },
    { threshold: { upper: 10 } },
    { patient: { patience: 3, minDelta: 0.1, wrapped: { median: {} } } },
  ])('round-trip through the wire unchanged: %j', (options) => {
    expect(prunerFromWire(prunerToWire(options))).toEqual(options);
  });
});

describe('distributions and values', () => {
  it('keep null, booleans and strings apart', () => {
    for (const v of [null, true, false, 'adam', 0, -1.5]) expect(paramValueFromWire(paramValueToWire(v, 'v'))).toBe(v);
  });

  it('fill an int step of 1 when none was given, so a repeated suggest is recognised locally', () => {
    const back = distributionFromWire(distributionToWire({ kind: 'int', low: 1, high: 8 }, 'd'));
    expect(back).toEqual({ kind: 'int', low: 1, high: 8, log: false, step: 1 });
    expect(sameDistribution(back, { kind: 'int', low: 1, high: 8 })).toBe(true);
    expect(sameDistribution(back, { kind: 'int', low: 1, high: 8, step: 2 })).toBe(false);
  });

  it('compare categoricals by choices in order', () => {
    expect(sameDistribution({ kind: 'categorical', choices: ['a', 'b'] }, { kind: 'categorical', choices: ['a', 'b'] })).toBe(true);
    expect(sameDistribution({ kind: 'categorical', choices: ['a', 'b'] }, { kind: 'categorical', choices: ['b', 'a'] })).toBe(false);
  });
});
