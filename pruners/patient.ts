import type { PruneDecision, Pruner } from '../src/core/pruner.js';
import type { StudyView } from '../src/core/study.js';
import type { FrozenTrial } from '../src/core/trial.js';
import { singleDirection } from './intermediate-values.js';

export interface PatientPrunerConfig {
  /** Reports without improvement tolerated. */
  readonly patience: number;
  /** The smallest change that counts as an improvement. */
  readonly minDelta: number;
}

/**
 * Waits until the trial has gone `patience` reports without improving on its earlier best by more than
 * `minDelta`; then asks the wrapped pruner (or prunes, without one).
 *
 * NOTE: Optuna's PatientPruner (optuna/pruners/_patient.py): patience counts reports, not step numbers; the
 * best of the last patience+1 reports is compared with the best before them; NaN values are ignored and a
 * stretch of only NaN never counts as "no improvement". Out-of-order reports: only steps <= `step` count.
 */
export class PatientPruner implements Pruner {
  readonly supportsMultiObjective = false;

  constructor(
    private readonly config: PatientPrunerConfig,
    private readonly wrapped?: Pruner,
  ) {}

  prune(study: StudyView, trial: FrozenTrial, step: number): PruneDecision {
    const { patience, minDelta } = this.config;
    const steps = [...trial.intermediateValues.keys()].filter((s) => s <= step).sort((a, b) => a - b);
    if (steps.length <= patience + 1) {
      return { prune: false, reason: `${steps.length} reports up to step ${step}; patience needs more than ${patience + 1}` };
    }
    const maximize = singleDirection(study.directions) === 'maximize';
    const split = steps.length - patience - 1;
    const bestOf = (ss: number[]): number => {
      let best = Number.NaN;
      for (const s of ss) {
        const v = trial.intermediateValues.get(s)!;
        if (!Number.isNaN(v) && (Number.isNaN(best) || (maximize ? v > best : v < best))) best = v;
      }
      return best;
    };
    const before = bestOf(steps.slice(0, split));
    const recent = bestOf(steps.slice(split));
    // Comparisons with NaN are false: no evidence of stagnation, so no pruning.
    const stalled = maximize ? before - minDelta > recent : before + minDelta < recent;
    if (!stalled) return { prune: false, reason: `improved within the last ${patience + 1} reports (best ${recent} vs ${before})` };
    if (!this.wrapped) return { prune: true, reason: `no improvement beyond ${minDelta} in ${patience + 1} reports (best ${recent} vs ${before})` };
    const inner = this.wrapped.prune(study, trial, step);
    return { ...inner, reason: `out of patience; ${inner.reason}` };
  }
}
