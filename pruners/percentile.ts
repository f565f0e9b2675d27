import type { PruneDecision, Pruner } from '../src/core/pruner.js';
import type { StudyView } from '../src/core/study.js';
import type { FrozenTrial } from '../src/core/trial.js';
import { bestValueUpTo, isPruningStep, nanPercentile, singleDirection } from './intermediate-values.js';

export interface PercentilePrunerConfig {
  /** 0..100, in "better is lower" terms: 25 keeps the best quarter (for maximize studies too). */
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;
}

/**
 * Prunes a trial whose best value so far is worse than the given percentile of the COMPLETE trials' values
 * at the same step.
 *
 * NOTE: Optuna's PercentilePruner semantics (optuna/pruners/_percentile.py): the trial's best value over its
 * steps (not only the current one) is compared, so one noisy report does not kill a good trial; a trial whose
 * values are all NaN is pruned; NaN values of completed trials are ignored (nanpercentile); a tie is kept.
 * The only departure: "best so far" is over steps <= `step`, so out-of-order reports are judged on the curve
 * up to that step.
 */
export class PercentilePruner implements Pruner {
  readonly supportsMultiObjective = false;

  constructor(private readonly config: PercentilePrunerConfig) {}

  prune(study: StudyView, trial: FrozenTrial, step: number): PruneDecision {
    const { percentile, nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials } = this.config;
    const completed = study.getTrials(['COMPLETE']);
    if (completed.length === 0 || completed.length < nStartupTrials) {
      return { prune: false, reason: `${completed.length} of ${Math.max(nStartupTrials, 1)} startup trials complete` };
    }
    if (step < nWarmupSteps) return { prune: false, reason: `step ${step} is within the ${nWarmupSteps} warm-up steps` };
    if (!isPruningStep(trial, step, nWarmupSteps, intervalSteps)) {
      return { prune: false, reason: `step ${step} is not a pruning step (every ${intervalSteps} after warm-up)` };
    }
    const direction = singleDirection(study.directions);
    const best = bestValueUpTo(trial, step, direction);
    if (Number.isNaN(best)) return { prune: true, reason: `every value up to step ${step} is NaN` };

    const atStep: number[] = [];
    for (const t of completed) {
      if (t.number === trial.number) continue;
      const v = t.intermediateValues.get(step);
      if (v !== undefined) atStep.push(v);
    }
    if (atStep.length < nMinTrials) {
      return { prune: false, reason: `${atStep.length} complete trials reported step ${step}; ${nMinTrials} needed` };
    }
    // For maximize, the "worse" side is the low end: the p-th percentile from the top.
    const q = direction === 'maximize' ? 100 - percentile : percentile;
    const threshold = nanPercentile(atStep, q);
    if (Number.isNaN(threshold)) return { prune: false, reason: `complete trials have only NaN at step ${step}` };
    const worse = direction === 'maximize' ? best < threshold : best > threshold;
    const what = percentile === 50 ? 'the median' : `the ${percentile}th percentile`;
    return worse
      ? { prune: true, reason: `best value ${best} up to step ${step} is worse than ${what} ${threshold} of ${atStep.length} complete trials` }
      : { prune: false, reason: `best value ${best} up to step ${step} is not worse than ${what} ${threshold}` };
  }
}
