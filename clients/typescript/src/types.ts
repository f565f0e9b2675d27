/**
 * Whether an objective is minimised or maximised.
 *
 * @example
 * ```ts
 * const directions: Direction[] = ['minimize', 'maximize'];
 * ```
 */
export type Direction = 'minimize' | 'maximize';

/**
 * The life of a trial: WAITING (enqueued) → RUNNING → COMPLETE, PRUNED or FAIL.
 *
 * @example
 * ```ts
 * const finished = await study.trials({ states: ['COMPLETE', 'PRUNED'] });
 * ```
 */
export type TrialState = 'WAITING' | 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAIL';

/**
 * A parameter value as the objective sees it.
 *
 * @example
 * ```ts
 * await study.enqueueTrial({ lr: 0.01, optimizer: 'adam', bn: true });
 * ```
 */
export type ParamValue = number | string | boolean | null;

/**
 * A JSON value, as kept in user attributes.
 *
 * @example
 * ```ts
 * await trial.setUserAttr('history', { loss: [0.9, 0.5] });
 * ```
 */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * Where a parameter's values come from. Int and float ranges are inclusive; `step` puts values on a grid from `low`.
 *
 * @example
 * ```ts
 * const space: SearchSpace = {
 *   lr: { kind: 'float', low: 1e-5, high: 1e-1, log: true },
 *   layers: { kind: 'int', low: 1, high: 8 },
 *   optimizer: { kind: 'categorical', choices: ['adam', 'sgd'] },
 * };
 * ```
 */
export type Distribution =
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log?: boolean; readonly step?: number }
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log?: boolean; readonly step?: number }
  | { readonly kind: 'categorical'; readonly choices: readonly ParamValue[] };

/**
 * Parameters by name, in the order they are declared (define-and-run with `study.ask(space)`).
 *
 * @example
 * ```ts
 * const trial = await study.ask({ x: { kind: 'float', low: -10, high: 10 } });
 * ```
 */
export type SearchSpace = Readonly<Record<string, Distribution>>;

/**
 * A trial as stored: returned by `study.trials()`, `study.bestTrial()`, `study.tell()`, and handed to callbacks.
 *
 * @example
 * ```ts
 * const best = await study.bestTrial();
 * if (best) console.log(best.number, best.value, best.params);
 * ```
 */
export interface FrozenTrial {
  /** Globally unique id. */
  readonly id: number;
  readonly studyName: string;
  /** Dense per-study number: 0, 1, 2, … */
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** One value per objective (COMPLETE, or PRUNED with a value); null otherwise. */
  readonly values: readonly number[] | null;
  /** The first objective's value, or null: a shorthand for single-objective studies. */
  readonly value: number | null;
  /** Values reported along the way, in step order. */
  readonly intermediateValues: ReadonlyArray<{ readonly step: number; readonly value: number }>;
  /** Constraint values (<= 0 satisfied), or null when none were told. */
  readonly constraints: readonly number[] | null;
  readonly userAttrs: Readonly<Record<string, Json>>;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  readonly lastHeartbeatAt: Date | null;
  /** The worker that holds or held it; empty for enqueued trials. */
  readonly workerId: string;
  /** When this trial retries a failed one, that trial's number. */
  readonly retryOf: number | null;
}

/**
 * TPE options; unset fields take hpo's defaults.
 *
 * @example
 * ```ts
 * const sampler: SamplerOptions = { tpe: { nStartupTrials: 10, multivariate: true } };
 * ```
 */
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
  /** Kernel width rule of multivariate TPE: Optuna's, or hpo's spread rule (default). */
  readonly bandwidth?: 'optuna' | 'spread';
  readonly bandwidthFactor?: number;
  /** Fraction of candidates drawn from the good estimator's marginals (default 0.25). */
  readonly marginalCandidates?: number;
  /** Share of trials whose candidates are drawn around the best trial so far (default 0.35; 0 turns it off). */
  readonly localFraction?: number;
  readonly localTopK?: number;
  readonly localScale?: number;
}

/**
 * Gaussian-process options; unset fields take hpo's defaults.
 *
 * @example
 * ```ts
 * const sampler: SamplerOptions = { gp: { nStartupTrials: 8, deterministicObjective: true } };
 * ```
 */
export interface GpOptions {
  readonly nStartupTrials?: number;
  readonly deterministicObjective?: boolean;
  readonly nCandidates?: number;
  readonly nLocalSearch?: number;
  readonly maxTrainingPoints?: number;
}

/**
 * Quasi-Monte-Carlo options.
 *
 * @example
 * ```ts
 * const sampler: SamplerOptions = { qmc: { sequence: 'halton' } };
 * ```
 */
export interface QmcOptions {
  readonly sequence?: 'sobol' | 'halton';
  readonly scramble?: boolean;
}

/**
 * Which sampler a study uses: an object with exactly one key. Unset means TPE with defaults.
 *
 * @example
 * ```ts
 * await client.createStudy({ name: 'grid', direction: 'minimize', sampler: { grid: { axes: { x: [1, 2, 3], opt: ['adam', 'sgd'] } } } });
 * ```
 */
export type SamplerOptions =
  | { readonly random: Record<string, never> }
  | { readonly grid: { readonly axes: Readonly<Record<string, readonly ParamValue[]>> } }
  | { readonly tpe: TpeOptions }
  | { readonly gp: GpOptions }
  | { readonly qmc: QmcOptions };

/**
 * Median pruner options (Optuna's defaults when unset).
 *
 * @example
 * ```ts
 * const pruner: PrunerOptions = { median: { nStartupTrials: 5, nWarmupSteps: 2 } };
 * ```
 */
export interface MedianOptions {
  readonly nStartupTrials?: number;
  readonly nWarmupSteps?: number;
  readonly intervalSteps?: number;
  readonly nMinTrials?: number;
}

/**
 * Percentile pruner options: `percentile` in [0, 100].
 *
 * @example
 * ```ts
 * const pruner: PrunerOptions = { percentile: { percentile: 25 } };
 * ```
 */
export interface PercentileOptions extends MedianOptions {
  readonly percentile: number;
}

/**
 * Asynchronous successive halving options; `minResource` unset means learned from the first finished trials.
 *
 * @example
 * ```ts
 * const pruner: PrunerOptions = { successiveHalving: { reductionFactor: 4, minResource: 1 } };
 * ```
 */
export interface SuccessiveHalvingOptions {
  readonly minResource?: number;
  readonly reductionFactor?: number;
  readonly minEarlyStoppingRate?: number;
  readonly bootstrapCount?: number;
}

/**
 * Hyperband options; `maxResource` unset means learned from the first finished trials.
 *
 * @example
 * ```ts
 * const pruner: PrunerOptions = { hyperband: { minResource: 1, maxResource: 27, reductionFactor: 3 } };
 * ```
 */
export interface HyperbandOptions {
  readonly minResource?: number;
  readonly maxResource?: number;
  readonly reductionFactor?: number;
  readonly bootstrapCount?: number;
}

/**
 * Threshold pruner options: prune when a reported value leaves [lower, upper].
 *
 * @example
 * ```ts
 * const pruner: PrunerOptions = { threshold: { upper: 10 } };
 * ```
 */
export interface ThresholdOptions {
  readonly lower?: number;
  readonly upper?: number;
  readonly nWarmupSteps?: number;
  readonly intervalSteps?: number;
}

/**
 * Patient pruner options: tolerate `patience` steps without improvement, then ask `wrapped` (or prune).
 *
 * @example
 * ```ts
 * const pruner: PrunerOptions = { patient: { patience: 3, wrapped: { median: {} } } };
 * ```
 */
export interface PatientOptions {
  readonly patience: number;
  readonly minDelta?: number;
  readonly wrapped?: PrunerOptions;
}

/**
 * Which pruner a study uses: an object with exactly one key. Unset means no pruning.
 *
 * @example
 * ```ts
 * await client.createStudy({ name: 'x', direction: 'minimize', pruner: { successiveHalving: { reductionFactor: 4 } } });
 * ```
 */
export type PrunerOptions =
  | { readonly nop: Record<string, never> }
  | { readonly median: MedianOptions }
  | { readonly percentile: PercentileOptions }
  | { readonly successiveHalving: SuccessiveHalvingOptions }
  | { readonly hyperband: HyperbandOptions }
  | { readonly threshold: ThresholdOptions }
  | { readonly patient: PatientOptions };

/**
 * What happens to trials whose worker stopped sending heartbeats.
 *
 * @example
 * ```ts
 * await client.createStudy({ name: 'x', direction: 'minimize', failurePolicy: { heartbeatGraceSeconds: 30, maxRetries: 1 } });
 * ```
 */
export interface FailurePolicy {
  /** Seconds without a heartbeat after which a running trial is failed (0 disables). */
  readonly heartbeatGraceSeconds: number;
  /** How many times a failed trial's parameters are re-enqueued. */
  readonly maxRetries: number;
  /** Whether failed trials count toward `maxTrials` (default false: a failed trial gives its slot back). */
  readonly countFailedTrials?: boolean;
}

/**
 * How many trials a study has in each state.
 *
 * @example
 * ```ts
 * const { complete, running } = (await study.info()).trialCounts;
 * ```
 */
export interface TrialCounts {
  readonly waiting: number;
  readonly running: number;
  readonly complete: number;
  readonly pruned: number;
  readonly fail: number;
}

/**
 * A study's definition and state, as stored.
 *
 * @example
 * ```ts
 * for (const s of await client.listStudies()) console.log(s.name, s.directions, s.trialCounts.complete);
 * ```
 */
export interface StudyInfo {
  readonly name: string;
  readonly directions: readonly Direction[];
  /** Undefined when the server did not say (its default, TPE). */
  readonly sampler: SamplerOptions | undefined;
  /** Undefined when the server did not say (no pruning). */
  readonly pruner: PrunerOptions | undefined;
  readonly seed: number;
  readonly userAttrs: Readonly<Record<string, Json>>;
  readonly createdAt: Date | null;
  /** Study-wide budget of trials, or null for no limit. */
  readonly maxTrials: number | null;
  readonly failurePolicy: FailurePolicy;
  /** DONE once ask hands out no more trials (budget spent, grid used up). */
  readonly state: 'RUNNING' | 'DONE';
  readonly trialCounts: TrialCounts;
}

/**
 * What `client.createStudy` takes. Give `direction` for one objective or `directions` for several.
 *
 * @example
 * ```ts
 * const study = await client.createStudy({
 *   name: 'resnet-lr', direction: 'minimize', seed: 42, loadIfExists: true, maxTrials: 200,
 *   sampler: { tpe: { nStartupTrials: 10 } }, pruner: { successiveHalving: { reductionFactor: 4 } },
 * });
 * ```
 */
export interface CreateStudyOptions {
  readonly name: string;
  readonly direction?: Direction;
  readonly directions?: readonly Direction[];
  readonly sampler?: SamplerOptions;
  readonly pruner?: PrunerOptions;
  /** Seed of every trial's randomness; unset means the server draws one and stores it. */
  readonly seed?: number;
  /** Return the existing study of this name instead of failing with AlreadyExists. */
  readonly loadIfExists?: boolean;
  /** Study-wide budget of trials across all workers. */
  readonly maxTrials?: number;
  readonly failurePolicy?: Partial<FailurePolicy>;
  readonly userAttrs?: Readonly<Record<string, Json>>;
}
