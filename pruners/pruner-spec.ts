/** Median and percentile pruner options; unset fields take Optuna's defaults. */
export interface PercentileOptions {
  readonly percentile: number;
  readonly nStartupTrials?: number;
  readonly nWarmupSteps?: number;
  readonly intervalSteps?: number;
  readonly nMinTrials?: number;
}

/** Asynchronous successive halving options. minResource undefined = learned ('auto'). */
export interface SuccessiveHalvingOptions {
  readonly minResource?: number;
  readonly reductionFactor?: number;
  readonly minEarlyStoppingRate?: number;
  readonly bootstrapCount?: number;
}

/** Hyperband options. maxResource undefined = learned ('auto'). */
export interface HyperbandOptions {
  readonly minResource?: number;
  readonly maxResource?: number;
  readonly reductionFactor?: number;
  readonly bootstrapCount?: number;
}

export interface ThresholdOptions {
  readonly lower?: number;
  readonly upper?: number;
  readonly nWarmupSteps?: number;
  readonly intervalSteps?: number;
}

export interface PatientOptions {
  /** Asked once patience runs out; undefined = prune on patience alone. */
  readonly wrapped?: PrunerSpec;
  readonly patience: number;
  readonly minDelta?: number;
}

/** Which pruner a study uses, as stored with the study (JSON) and built by createPruner. */
export type PrunerSpec =
  | { readonly kind: 'nop' }
  | { readonly kind: 'median'; readonly options: Omit<PercentileOptions, 'percentile'> }
  | { readonly kind: 'percentile'; readonly options: PercentileOptions }
  | { readonly kind: 'successiveHalving'; readonly options: SuccessiveHalvingOptions }
  | { readonly kind: 'hyperband'; readonly options: HyperbandOptions }
  | { readonly kind: 'threshold'; readonly options: ThresholdOptions }
  | { readonly kind: 'patient'; readonly options: PatientOptions };

export const DEFAULT_PRUNER_SPEC: PrunerSpec = { kind: 'nop' };
