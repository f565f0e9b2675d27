import { describe, expect, it } from 'vitest';
import {
  QmcSequence,
  type SamplerSpec as WireSamplerSpec,
  TpeBandwidth,
  TpeGamma,
  TpeSamplerOptions,
  TpeWeights,
} from '../../../src/generated/hpo/v1/sampler.js';
import { samplerSpecFromWire, samplerSpecToWire } from '../../../src/server/convert/sampler-spec.js';
import { DEFAULT_SAMPLER_SPEC } from '../../../samplers/sampler-spec.js';
import { fieldOf } from './field-of.js';

// fromPartial fills every enum the test does not name with its UNSPECIFIED value, as a decoder would.
const tpe = (options: Partial<TpeSamplerOptions>): WireSamplerSpec => ({
  kind: { $case: 'tpe', value: TpeSamplerOptions.fromPartial(options) },
});

describe('samplerSpecFromWire', () => {
  it('takes an unset sampler as TPE with defaults', () => {
    expect(samplerSpecFromWire(undefined, 'sampler')).toEqual(DEFAULT_SAMPLER_SPEC);
    expect(samplerSpecFromWire(undefined, 'sampler')).toEqual({ kind: 'tpe', options: {} });
  });

  it('rejects a SamplerSpec message with no kind set', () => {
    expect(fieldOf(() => samplerSpecFromWire({ kind: undefined }, 'sampler'))).toBe('sampler');
  });

  it('carries every TPE option, leaving unset ones out', () => {
    const spec = samplerSpecFromWire(
      tpe({
        nStartupTrials: 5,
        nEiCandidates: 48,
        multivariate: true,
        group: true,
        constantLiar: false,
        considerPrior: false,
        priorWeight: 2,
        considerMagicClip: false,
        considerEndpoints: true,
        gamma: TpeGamma.TPE_GAMMA_FRACTION,
        gammaFraction: 0.2,
        weights: TpeWeights.TPE_WEIGHTS_UNIFORM,
      }),
      'sampler',
    );
    expect(spec).toEqual({
      kind: 'tpe',
      options: {
        nStartupTrials: 5,
        nEiCandidates: 48,
        multivariate: true,
        group: true,
        constantLiar: false,
        considerPrior: false,
        priorWeight: 2,
        considerMagicClip: false,
        considerEndpoints: true,
        gamma: 'fraction',
        gammaFraction: 0.2,
        weights: 'uniform',
      },
    });
    expect(samplerSpecFromWire(tpe({ nStartupTrials: 3 }), 'sampler')).toEqual({ kind: 'tpe', options: { nStartupTrials: 3 } });
    expect(samplerSpecFromWire(samplerSpecToWire(spec), 'sampler')).toEqual(spec);
  });

  it('carries the multivariate kernel and local-refinement options', () => {
    const spec = samplerSpecFromWire(
      tpe({
        bandwidth: TpeBandwidth.TPE_BANDWIDTH_SPREAD,
        bandwidthFactor: 0.8,
        marginalCandidates: 0.5,
        localFraction: 0,
        localTopK: 3,
        localScale: 2,
      }),
      'sampler',
    );
    expect(spec).toEqual({
      kind: 'tpe',
      options: { bandwidth: 'spread', bandwidthFactor: 0.8, marginalCandidates: 0.5, localFraction: 0, localTopK: 3, localScale: 2 },
    });
    expect(samplerSpecFromWire(samplerSpecToWire(spec), 'sampler')).toEqual(spec);
    expect(fieldOf(() => samplerSpecFromWire(tpe({ bandwidth: 5 as TpeBandwidth }), 'sampler'))).toBe('sampler.tpe.bandwidth');
    expect(fieldOf(() => samplerSpecFromWire(tpe({ localScale: Infinity }), 'sampler'))).toBe('sampler.tpe.local_scale');
  });

  it('checks gamma_fraction against gamma and unknown enum numbers', () => {
    expect(fieldOf(() => samplerSpecFromWire(tpe({ gamma: TpeGamma.TPE_GAMMA_FRACTION }), 'sampler'))).toBe('sampler.tpe.gamma_fraction');
    expect(fieldOf(() => samplerSpecFromWire(tpe({ gammaFraction: 0.1 }), 'sampler'))).toBe('sampler.tpe.gamma_fraction');
    expect(
      fieldOf(() => samplerSpecFromWire(tpe({ gamma: TpeGamma.TPE_GAMMA_FRACTION, gammaFraction: 1.5 }), 'sampler')),
    ).toBe('sampler.tpe.gamma_fraction');
    expect(fieldOf(() => samplerSpecFromWire(tpe({ gamma: 9 as TpeGamma }), 'sampler'))).toBe('sampler.tpe.gamma');
    expect(fieldOf(() => samplerSpecFromWire(tpe({ weights: -1 as TpeWeights }), 'sampler'))).toBe('sampler.tpe.weights');
    expect(fieldOf(() => samplerSpecFromWire(tpe({ priorWeight: NaN }), 'sampler'))).toBe('sampler.tpe.prior_weight');
  });

  it('carries every GP and QMC option', () => {
    const gp = samplerSpecFromWire(
      {
        kind: {
          $case: 'gp',
          value: { nStartupTrials: 4, deterministicObjective: true, nCandidates: 512, nLocalSearch: 8, maxTrainingPoints: 300 },
        },
      },
      'sampler',
    );
    expect(gp).toEqual({
      kind: 'gp',
      options: { nStartupTrials: 4, deterministicObjective: true, nCandidates: 512, nLocalSearch: 8, maxTrainingPoints: 300 },
    });
    expect(samplerSpecFromWire(samplerSpecToWire(gp), 'sampler')).toEqual(gp);
    const qmc = samplerSpecFromWire({ kind: { $case: 'qmc', value: { sequence: QmcSequence.QMC_SEQUENCE_HALTON, scramble: false } } }, 'sampler');
    expect(qmc).toEqual({ kind: 'qmc', options: { sequence: 'halton', scramble: false } });
    expect(samplerSpecFromWire(samplerSpecToWire(qmc), 'sampler')).toEqual(qmc);
    expect(samplerSpecFromWire({ kind: { $case: 'qmc', value: { sequence: QmcSequence.QMC_SEQUENCE_UNSPECIFIED } } }, 'sampler')).toEqual({
      kind: 'qmc',
      options: {},
    });
    expect(samplerSpecFromWire({ kind: { $case: 'random', value: {} } }, 'sampler')).toEqual({ kind: 'random' });
  });

  it('turns grid axes into a record of values and checks them', () => {
    const grid: WireSamplerSpec = {
      kind: {
        $case: 'grid',
        value: {
          axes: [
            { name: 'lr', values: [{ kind: { $case: 'numberValue', value: 0.1 } }, { kind: { $case: 'numberValue', value: 0.01 } }] },
            { name: 'opt', values: [{ kind: { $case: 'stringValue', value: 'sgd' } }] },
          ],
        },
      },
    };
    const spec = samplerSpecFromWire(grid, 'sampler');
    expect(spec).toEqual({ kind: 'grid', axes: { lr: [0.1, 0.01], opt: ['sgd'] } });
    expect(samplerSpecFromWire(samplerSpecToWire(spec), 'sampler')).toEqual(spec);
    const axis = (name: string, n: number) => ({ name, values: Array.from({ length: n }, (_, i) => ({ kind: { $case: 'numberValue' as const, value: i } })) });
    expect(fieldOf(() => samplerSpecFromWire({ kind: { $case: 'grid', value: { axes: [] } } }, 'sampler'))).toBe('sampler.grid.axes');
    expect(fieldOf(() => samplerSpecFromWire({ kind: { $case: 'grid', value: { axes: [axis('a', 0)] } } }, 'sampler'))).toBe(
      'sampler.grid.axes[0].values',
    );
    expect(
      fieldOf(() => samplerSpecFromWire({ kind: { $case: 'grid', value: { axes: [axis('a', 1), axis('a', 2)] } } }, 'sampler')),
    ).toBe('sampler.grid.axes[1].name');
    expect(
      fieldOf(() =>
        samplerSpecFromWire({ kind: { $case: 'grid', value: { axes: [{ name: 'a', values: [{ kind: undefined }] }] } } }, 'sampler'),
      ),
    ).toBe('sampler.grid.axes[0].values[0]');
  });
});
