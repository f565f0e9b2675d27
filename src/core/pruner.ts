import type { Json } from './json.js';
import type { StudyView } from './study.js';
import type { FrozenTrial } from './trial.js';

/** A pruner's answer for one report. */
export interface PruneDecision {
  readonly prune: boolean;
  /** Why, in a sentence a user can read (e.g. "0.42 is worse than the median 0.31 at step 5"). */
  readonly reason: string;
  /** Merged into the trial's system attributes in the same transaction (e.g. the rung reached). */
  readonly systemAttrs?: Readonly<Record<string, Json>>;
}

/**
 * The pruner contract. `prune` is called on every report, with `trial` already holding the value just
 * reported at `step`. Pure: it reads the study view and returns a decision; the service stores what it asks.
 */
export interface Pruner {
  prune(study: StudyView, trial: FrozenTrial, step: number): PruneDecision;
  /** Whether it can decide for studies with several objectives; if false, such studies refuse it at creation. */
  readonly supportsMultiObjective: boolean;
  /**
   * Optional hook: the view of the study the sampler should learn from for `trial` (Hyperband gives each
   * bracket's sampler only that bracket's trials). Absent means the whole study.
   */
  samplerView?(study: StudyView, trial: FrozenTrial): StudyView;
}
