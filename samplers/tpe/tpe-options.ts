import { InvalidArgumentError } from '../../src/core/errors.js';
import type { TpeOptions } from '../sampler-spec.js';

/** Every TPE knob with its value decided (hpo's defaults filled in). */
export interface ResolvedTpeOptions {
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  readonly multivariate: boolean;
  readonly group: boolean;
  readonly constantLiar: boolean;
  readonly considerPrior: boolean;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly gamma: 'optuna' | 'hyperopt' | 'fraction';
  readonly gammaFraction: number;
  readonly weights: 'optuna' | 'uniform';
  readonly bandwidth: 'optuna' | 'spread';
  readonly bandwidthFactor: number;
  readonly clipScale: number;
  readonly marginalCandidates: number;
  readonly rankWeights: boolean;
  readonly localFraction: number;
  readonly localTopK: number;
  readonly localScale: number;
  readonly localKept: number;
  readonly aboveWindow: number;
  readonly univariateFraction: number;
  readonly localHopFraction: number;
  readonly localCentres: number;
}

/**
 * hpo's defaults. Where they differ from Optuna's (multivariate, constant liar, the bandwidth rule, …)
 * samplers/tpe/README.md records why, with the quality benchmark's numbers.
 */
export const TPE_DEFAULTS: ResolvedTpeOptions = {
  nStartupTrials: 10,
  nEiCandidates: 24,
  multivariate: true,
  group: false,
  constantLiar: true,
  considerPrior: true,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  gamma: 'optuna',
  gammaFraction: 0.1,
  weights: 'optuna',
  bandwidth: 'spread',
  bandwidthFactor: 1,
  clipScale: 1,
  marginalCandidates: 0.25,
  rankWeights: false,
  localFraction: 0.35,
  localTopK: 5,
  localScale: 1,
  localKept: -1,
  aboveWindow: 1000,
  univariateFraction: 0,
  localHopFraction: 0,
  localCentres: 5,
};

/** Optuna 4's TPESampler() defaults, for side-by-side runs (`tpe:preset=optuna` is not a knob; pass these). */
export const OPTUNA_TPE_OPTIONS: TpeOptions = {
  nStartupTrials: 10,
  nEiCandidates: 24,
  multivariate: false,
  constantLiar: false,
  considerPrior: true,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  gamma: 'optuna',
  weights: 'optuna',
  bandwidth: 'optuna',
  marginalCandidates: 0,
  localFraction: 0,
};

const FIELD = 'sampler.tpe';

/** Fills defaults and validates, throwing InvalidArgumentError naming e.g. `sampler.tpe.n_startup_trials`. */
export function resolveTpeOptions(options: TpeOptions): ResolvedTpeOptions {
  const o = { ...TPE_DEFAULTS, ...stripUndefined(options) } as ResolvedTpeOptions;
  const int = (value: number, field: string, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new InvalidArgumentError(`${FIELD}.${field}`, `must be an integer in [${min}, ${max}], got ${value}`);
  };
  const positive = (value: number, field: string) => {
    if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`${FIELD}.${field}`, `must be a finite number > 0, got ${value}`);
  };
  const bool = (value: unknown, field: string) => {
    if (typeof value !== 'boolean') throw new InvalidArgumentError(`${FIELD}.${field}`, `must be true or false, got ${JSON.stringify(value)}`);
  };
  const oneOf = (value: unknown, field: string, allowed: readonly string[]) => {
    if (typeof value !== 'string' || !allowed.includes(value))
      throw new InvalidArgumentError(`${FIELD}.${field}`, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  };
  int(o.nStartupTrials, 'n_startup_trials', 0, 1_000_000);
  int(o.nEiCandidates, 'n_ei_candidates', 1, 100_000);
  bool(o.multivariate, 'multivariate');
  bool(o.group, 'group');
  bool(o.constantLiar, 'constant_liar');
  bool(o.considerPrior, 'consider_prior');
  bool(o.considerMagicClip, 'consider_magic_clip');
  bool(o.considerEndpoints, 'consider_endpoints');
  positive(o.priorWeight, 'prior_weight');
  oneOf(o.gamma, 'gamma', ['optuna', 'hyperopt', 'fraction']);
  if (!(o.gammaFraction > 0 && o.gammaFraction <= 1))
    throw new InvalidArgumentError(`${FIELD}.gamma_fraction`, `must be in (0, 1], got ${o.gammaFraction}`);
  oneOf(o.weights, 'weights', ['optuna', 'uniform']);
  oneOf(o.bandwidth, 'bandwidth', ['optuna', 'spread']);
  positive(o.bandwidthFactor, 'bandwidth_factor');
  positive(o.clipScale, 'clip_scale');
  if (!(o.marginalCandidates >= 0 && o.marginalCandidates <= 1))
    throw new InvalidArgumentError(`${FIELD}.marginal_candidates`, `must be in [0, 1], got ${o.marginalCandidates}`);
  bool(o.rankWeights, 'rank_weights');
  if (!(o.localFraction >= 0 && o.localFraction <= 1))
    throw new InvalidArgumentError(`${FIELD}.local_fraction`, `must be in [0, 1], got ${o.localFraction}`);
  int(o.localTopK, 'local_top_k', 2, 1000);
  positive(o.localScale, 'local_scale');
  int(o.localKept, 'local_kept', -1, 1_000_000);
  int(o.aboveWindow, 'above_window', 0, 1_000_000_000);
  if (!(o.univariateFraction >= 0 && o.univariateFraction <= 1))
    throw new InvalidArgumentError(`${FIELD}.univariate_fraction`, `must be in [0, 1], got ${o.univariateFraction}`);
  int(o.localCentres, 'local_centres', 1, 1000);
  if (!(o.localHopFraction >= 0 && o.localHopFraction <= 1))
    throw new InvalidArgumentError(`${FIELD}.local_hop_fraction`, `must be in [0, 1], got ${o.localHopFraction}`);
  if (o.group && !o.multivariate)
    throw new InvalidArgumentError(`${FIELD}.group`, 'group needs multivariate (it models each group jointly)');
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
