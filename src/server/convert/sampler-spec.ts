import type { ParamValue } from '../../core/distribution.js';
import { InternalError, InvalidArgumentError } from '../../core/errors.js';
import {
  QmcSequence,
  type SamplerSpec as WireSamplerSpec,
  TpeBandwidth,
  TpeGamma,
  type TpeSamplerOptions,
  TpeWeights,
} from '../../generated/hpo/v1/sampler.js';
import { DEFAULT_SAMPLER_SPEC, type SamplerSpec, type TpeOptions } from '../../../samplers/sampler-spec.js';
import { compact } from './compact.js';
import { paramValueFromWire, paramValueToWire } from './param-value.js';
import { MAX_PARAM_NAME_LENGTH, optionalFinite, requireName, requireUnique } from './wire-checks.js';

const TPE_GAMMAS = new Map<TpeGamma, TpeOptions['gamma']>([
  [TpeGamma.TPE_GAMMA_UNSPECIFIED, undefined],
  [TpeGamma.TPE_GAMMA_OPTUNA, 'optuna'],
  [TpeGamma.TPE_GAMMA_HYPEROPT, 'hyperopt'],
  [TpeGamma.TPE_GAMMA_FRACTION, 'fraction'],
]);
const TPE_WEIGHTS = new Map<TpeWeights, TpeOptions['weights']>([
  [TpeWeights.TPE_WEIGHTS_UNSPECIFIED, undefined],
  [TpeWeights.TPE_WEIGHTS_OPTUNA, 'optuna'],
  [TpeWeights.TPE_WEIGHTS_UNIFORM, 'uniform'],
]);
const TPE_BANDWIDTHS = new Map<TpeBandwidth, TpeOptions['bandwidth']>([
  [TpeBandwidth.TPE_BANDWIDTH_UNSPECIFIED, undefined],
  [TpeBandwidth.TPE_BANDWIDTH_OPTUNA, 'optuna'],
  [TpeBandwidth.TPE_BANDWIDTH_SPREAD, 'spread'],
]);
const QMC_SEQUENCES = new Map<QmcSequence, 'sobol' | 'halton' | undefined>([
  [QmcSequence.QMC_SEQUENCE_UNSPECIFIED, undefined],
  [QmcSequence.QMC_SEQUENCE_SOBOL, 'sobol'],
  [QmcSequence.QMC_SEQUENCE_HALTON, 'halton'],
]);

/** An enum value from a table; numbers the table does not know (newer clients, garbage) name the field. */
export function enumFromWire<E extends number, T>(table: ReadonlyMap<E, T>, value: E, field: string): T {
  if (!table.has(value)) throw new InvalidArgumentError(field, `unknown enum value ${value}`);
  return table.get(value) as T;
}

function enumToWire<E extends number, T>(table: ReadonlyMap<E, T>, value: T): E {
  for (const [wire, domain] of table) if (domain === value) return wire;
  throw new InternalError(`no wire value for ${String(value)}`);
}

/**
 * The study's sampler. Unset means TPE with defaults; a SamplerSpec message with no kind set is an error,
 * since it usually means a client forgot to fill it in. Option ranges are checked by createSampler.
 */
export function samplerSpecFromWire(spec: WireSamplerSpec | undefined, field: string): SamplerSpec {
  if (spec === undefined) return DEFAULT_SAMPLER_SPEC;
  const kind = spec.kind;
  switch (kind?.$case) {
    case 'random':
      return { kind: 'random' };
    case 'grid': {
      const axes = kind.value.axes.map((axis, i): [string, ParamValue[]] => {
        const axisField = `${field}.grid.axes[${i}]`;
        const name = requireName(axis.name, `${axisField}.name`, MAX_PARAM_NAME_LENGTH);
        if (axis.values.length === 0) throw new InvalidArgumentError(`${axisField}.values`, 'must not be empty');
        return [name, axis.values.map((v, j) => paramValueFromWire(v, `${axisField}.values[${j}]`))];
      });
      if (axes.length === 0) throw new InvalidArgumentError(`${field}.grid.axes`, 'must not be empty');
      requireUnique(axes, ([name]) => name, (i) => `${field}.grid.axes[${i}].name`, 'axis name');
      return { kind: 'grid', axes: Object.fromEntries(axes) };
    }
    case 'tpe':
      return { kind: 'tpe', options: tpeOptionsFromWire(kind.value, `${field}.tpe`) };
    case 'gp': {
      const o = kind.value;
      return {
        kind: 'gp',
        options: compact({
          nStartupTrials: o.nStartupTrials,
          deterministicObjective: o.deterministicObjective,
          nCandidates: o.nCandidates,
          nLocalSearch: o.nLocalSearch,
          maxTrainingPoints: o.maxTrainingPoints,
        }),
      };
    }
    case 'qmc': {
      const o = kind.value;
      return {
        kind: 'qmc',
        options: compact({
          sequence: enumFromWire(QMC_SEQUENCES, o.sequence, `${field}.qmc.sequence`),
          scramble: o.scramble,
        }),
      };
    }
    case undefined:
      throw new InvalidArgumentError(field, 'must have one of random, grid, tpe, gp, qmc set (or be left unset for TPE)');
  }
}

function tpeOptionsFromWire(o: TpeSamplerOptions, field: string): TpeOptions {
  const gamma = enumFromWire(TPE_GAMMAS, o.gamma, `${field}.gamma`);
  const gammaFraction = optionalFinite(o.gammaFraction, `${field}.gamma_fraction`);
  if (gamma === 'fraction' && gammaFraction === undefined)
    throw new InvalidArgumentError(`${field}.gamma_fraction`, 'must be set when gamma is TPE_GAMMA_FRACTION');
  if (gamma !== 'fraction' && gammaFraction !== undefined)
    throw new InvalidArgumentError(`${field}.gamma_fraction`, 'is only used when gamma is TPE_GAMMA_FRACTION');
  if (gammaFraction !== undefined && !(gammaFraction > 0 && gammaFraction <= 1))
    throw new InvalidArgumentError(`${field}.gamma_fraction`, `must be in (0, 1], got ${gammaFraction}`);
  return compact({
    nStartupTrials: o.nStartupTrials,
    nEiCandidates: o.nEiCandidates,
    multivariate: o.multivariate,
    group: o.group,
    constantLiar: o.constantLiar,
    considerPrior: o.considerPrior,
    priorWeight: optionalFinite(o.priorWeight, `${field}.prior_weight`),
    considerMagicClip: o.considerMagicClip,
    considerEndpoints: o.considerEndpoints,
    gamma,
    gammaFraction,
    weights: enumFromWire(TPE_WEIGHTS, o.weights, `${field}.weights`),
    bandwidth: enumFromWire(TPE_BANDWIDTHS, o.bandwidth, `${field}.bandwidth`),
    bandwidthFactor: optionalFinite(o.bandwidthFactor, `${field}.bandwidth_factor`),
    marginalCandidates: optionalFinite(o.marginalCandidates, `${field}.marginal_candidates`),
    localFraction: optionalFinite(o.localFraction, `${field}.local_fraction`),
    localTopK: o.localTopK,
    localScale: optionalFinite(o.localScale, `${field}.local_scale`),
    localCentres: o.localCentres,
  });
}

export function samplerSpecToWire(spec: SamplerSpec): WireSamplerSpec {
  switch (spec.kind) {
    case 'random':
      return { kind: { $case: 'random', value: {} } };
    case 'grid':
      return {
        kind: {
          $case: 'grid',
          value: { axes: Object.entries(spec.axes).map(([name, values]) => ({ name, values: values.map(paramValueToWire) })) },
        },
      };
    case 'tpe': {
      // clipScale, rankWeights, localKept, univariateFraction, localHopFraction and aboveWindow are experiment-only knobs (samplers/tpe/README.md), not on the wire.
      const { gamma, weights, bandwidth, clipScale: _c, rankWeights: _r, localKept: _k, univariateFraction: _u, localHopFraction: _h, aboveWindow: _w, ...rest } = spec.options;
      return {
        kind: {
          $case: 'tpe',
          value: {
            ...rest,
            gamma: enumToWire(TPE_GAMMAS, gamma),
            weights: enumToWire(TPE_WEIGHTS, weights),
            bandwidth: enumToWire(TPE_BANDWIDTHS, bandwidth),
          },
        },
      };
    }
    case 'gp':
      return { kind: { $case: 'gp', value: { ...spec.options } } };
    case 'qmc':
      return {
        kind: {
          $case: 'qmc',
          value: { sequence: enumToWire(QMC_SEQUENCES, spec.options.sequence), scramble: spec.options.scramble },
        },
      };
  }
}
