import type { Distribution, SearchSpace } from './distribution.js';
import type { Json } from './json.js';
import type { StudyView } from './study.js';
import type { FrozenTrial } from './trial.js';

/** What sampleRelative returns: internal values by name, and anything the sampler wants stored with the trial. */
export interface RelativeSample {
  /** Internal values (the value for numbers, the choice index for categoricals), by parameter name. */
  readonly params: Readonly<Record<string, number>>;
  /** Merged into the trial's system attributes in the same transaction (e.g. a grid id). */
  readonly systemAttrs?: Readonly<Record<string, Json>>;
}

/**
 * The sampler contract (Optuna's split). The service calls, for a new trial:
 *   space = inferRelativeSearchSpace(study, trial, declared)
 *   sampleRelative(study, trial, space)          — the joint part
 *   sampleIndependent(study, trial, name, dist)  — every other parameter, now or when suggested later
 * Implementations are pure: randomness comes from createRng(study.seed, trial.number, …); nothing is written.
 * A sampler instance lives as long as its study's cache in one process, so it may keep memos between calls,
 * but its answers must depend only on its arguments.
 */
export interface Sampler {
  /**
   * The parameters to sample jointly for `trial`. `declared` is the search space the worker declared when
   * asking (define-and-run); it is empty for define-by-run trials, where samplers infer it from history.
   */
  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial, declared: SearchSpace): SearchSpace;
  /** Internal values for (a subset of) `space`; parameters left out are sampled independently. */
  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): RelativeSample;
  /** One internal value for `name` drawn from `distribution`. */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number;
}

/**
 * Thrown by a sampler (from inferRelativeSearchSpace or sampleRelative) when it has nothing left to hand out,
 * e.g. a grid used up. The service answers ask with "study is done" and marks the study done.
 */
export class SamplerExhausted extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SamplerExhausted';
  }
}
