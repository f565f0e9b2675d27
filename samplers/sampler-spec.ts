import type { ParamValue } from '../src/core/distribution.js';

/** TPE options; unset fields take hpo's defaults (samplers/tpe documents them). */
export interface TpeOptions {
  readonly nStartupTrials?: number;
  readonly nEiCandidates?: number;
  readonly multivariate?: boolean;
  readonly group?: boolean;
  readonly constantLiar?: boolean;
  readonly considerPrior?: boolean;
  readonly priorWeight?: number;
  readonly considerMagicClip?: boolean;
  readonly considerEndpoints?: boolean;
  readonly gamma?: 'optuna' | 'hyperopt' | 'fraction';
  readonly gammaFraction?: number;
  readonly weights?: 'optuna' | 'uniform';
  /** Multivariate kernel width: Optuna's range rule or hpo's spread rule (samplers/tpe/README.md). */
  readonly bandwidth?: 'optuna' | 'spread';
  /** Scale of the spread rule's width. */
  readonly bandwidthFactor?: number;
  /** Multiplies the magic-clip floor on kernel widths (1 = Optuna's). */
  readonly clipScale?: number;
  /** Fraction of candidates drawn from the product of l's marginals rather than its joint kernels. */
  readonly marginalCandidates?: number;
  /** Weigh the good observations by rank (best heaviest) rather than by age. */
  readonly rankWeights?: boolean;
  /** Share of trials (after startup) whose candidates are drawn around the incumbent instead of from l. */
  readonly localFraction?: number;
  /** How many of the best observations set the local step's width. */
  readonly localTopK?: number;
  /** Scale of the local step relative to their spread. */
  readonly localScale?: number;
  /** How many local-refinement trials (the best) l and g see; -1 = all. They all set the incumbent. */
  readonly localKept?: number;
  /** g (the bad group's density) from at most this many of its trials, the newest; 0 = all of them. */
  readonly aboveWindow?: number;
  /** Share of multivariate trials sampled by the univariate estimators instead. */
  readonly univariateFraction?: number;
  /** Share of local candidates that are coordinate hops (the incumbent with one coordinate drawn from l). */
  readonly localHopFraction?: number;
  /** A local step centres on one of this many best trials, drawn uniformly (1 = always the incumbent). */
  readonly localCentres?: number;
}

/** Gaussian-process options; unset fields take hpo's defaults (samplers/gp documents them). */
export interface GpOptions {
  readonly nStartupTrials?: number;
  readonly deterministicObjective?: boolean;
  readonly nCandidates?: number;
  readonly nLocalSearch?: number;
  readonly maxTrainingPoints?: number;
}

/** Quasi-Monte-Carlo options. */
export interface QmcOptions {
  readonly sequence?: 'sobol' | 'halton';
  readonly scramble?: boolean;
}

/** Which sampler a study uses, as stored with the study (JSON) and built by createSampler. */
export type SamplerSpec =
  | { readonly kind: 'random' }
  | { readonly kind: 'grid'; readonly axes: Readonly<Record<string, readonly ParamValue[]>> }
  | { readonly kind: 'tpe'; readonly options: TpeOptions }
  | { readonly kind: 'gp'; readonly options: GpOptions }
  | { readonly kind: 'qmc'; readonly options: QmcOptions };

export const DEFAULT_SAMPLER_SPEC: SamplerSpec = { kind: 'tpe', options: {} };
