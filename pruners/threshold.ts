import type { PruneDecision, Pruner } from '../src/core/pruner.js';
import type { StudyView } from '../src/core/study.js';
import type { FrozenTrial } from '../src/core/trial.js';
import { isPruningStep } from './intermediate-values.js';

export interface ThresholdPrunerConfig {
  /** Prune below this (−Infinity: no lower bound). */
  readonly lower: number;
  /** Prune above this (+Infinity: no upper bound). */
  readonly upper: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
}

/**
 * Prunes a trial whose value at the reported step leaves [lower, upper], or is NaN (a diverged run).
 * NOTE: Optuna's ThresholdPruner; bounds are inclusive (a value equal to a bound is kept).
 */
export class ThresholdPruner implements Pruner {
  // Bounds are on the reported number itself, whatever the directions, so several objectives are fine.
  readonly supportsMultiObjective = true;

  constructor(private readonly config: ThresholdPrunerConfig) {}

  prune(_study: StudyView, trial: FrozenTrial, step: number): PruneDecision {
    const { lower, upper, nWarmupSteps, intervalSteps } = this.config;
    if (step < nWarmupSteps) return { prune: false, reason: `step ${step} is within the ${nWarmupSteps} warm-up steps` };
    if (!isPruningStep(trial, step, nWarmupSteps, intervalSteps)) {
      return { prune: false, reason: `step ${step} is not a pruning step (every ${intervalSteps} after warm-up)` };
    }
    const value = trial.intermediateValues.get(step);
    if (value === undefined) return { prune: false, reason: `no value at step ${step}` };
    if (Number.isNaN(value)) return { prune: true, reason: `value at step ${step} is NaN` };
    if (value < lower) return { prune: true, reason: `value ${value} at step ${step} is below the lower bound ${lower}` };
    if (value > upper) return { prune: true, reason: `value ${value} at step ${step} is above the upper bound ${upper}` };
    return { prune: false, reason: `value ${value} at step ${step} is within [${lower}, ${upper}]` };
  }
}
