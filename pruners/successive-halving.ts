import type { Json } from '../src/core/json.js';
import type { PruneDecision, Pruner } from '../src/core/pruner.js';
import { type StudyView, studyViewOf } from '../src/core/study.js';
import { type FrozenTrial, lastStep } from '../src/core/trial.js';
import { singleDirection } from './intermediate-values.js';
import { PREDICTIVE_MIN_RESOURCE, type PredictiveMinResourceRule, predictiveMinResource } from './predictive-min-resource.js';

/** System attribute holding the value a trial had when it reached rung k (Optuna's key, for familiarity). */
export const rungAttr = (rung: number): string => `completed_rung_${rung}`;
/** System attribute set when a trial is stopped at a rung; later reports get the same answer. */
export const STOPPED_AT_RUNG_ATTR = 'stopped_at_rung';
/** System attribute holding the min resource learned for 'auto' (kept by the trial that learned it). */
export const LEARNED_MIN_RESOURCE_ATTR = 'successive_halving_min_resource';

export interface SuccessiveHalvingConfig {
  /** Steps before the first rung; undefined = learned from the first complete trials. */
  readonly minResource: number | undefined;
  /**
   * How an unset minResource is learned: 'optuna' (1% of the first complete trial, Optuna's rule) or the step
   * where ranking becomes predictive (predictive-min-resource.ts; the default).
   */
  readonly autoMinResource?: PredictiveMinResourceRule | 'optuna';
  /**
   * The rungs were placed after trials had already run (a learned min resource; Hyperband sets this for the
   * brackets it builds from its own learned one): trials are then judged on their value at the rung's step and
   * complete trials without a recorded rung count there. Implied by an unset minResource.
   */
  readonly placedAfterTrialsRan?: boolean;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;
}

/**
 * Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter Tuning",
 * MLSys 2020). Rung k sits at step minResource·η^(s+k) (s = min early-stopping rate). When a trial's report
 * reaches the next rung's step, its value there is recorded in the trial's system attributes (`completed_rung_k`,
 * stored by the service in the same transaction as the decision) and the trial continues only if it is in the
 * top 1/η of every value recorded at that rung so far (the trial included).
 *
 * What is remembered lives in the trials, never in the pruner instance, so any server process, and a restarted
 * one, takes the same decision from the same stored history.
 *
 * NOTE: as in Optuna's SuccessiveHalvingPruner (which the ASHA paper's "promote" becomes when trials cannot be
 * paused): while a rung holds fewer than η values, only the best so far continues; ties continue; a NaN at a rung
 * stops the trial. Departures from Optuna: (1) once stopped, a trial's further reports answer "prune" again
 * (Optuna would answer "continue" since its rung pointer moved on); (2) the bootstrap count lets trials through
 * (records them but neither promotes nor stops anyone) until the rung holds more than bootstrapCount values,
 * instead of stopping the first arrivals, so early trials are never sacrificed to fill a rung; (3) an unset min
 * resource is learned from the first complete trials as the step where ranking becomes predictive
 * (predictive-min-resource.ts; Optuna takes 1% of the first complete trial's length, kept as the 'optuna' rule),
 * nothing is pruned until then, and it is written to the trial that learned it: every later decision reads the one
 * written by the lowest trial number, so processes never disagree about it. Trials that passed a rung's step while
 * it was being learned are judged on their value at that step, and the complete ones count at the rung with it.
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly supportsMultiObjective = false;

  constructor(private readonly config: SuccessiveHalvingConfig) {}

  prune(study: StudyView, trial: FrozenTrial, step: number): PruneDecision {
    const stopped = trial.systemAttrs[STOPPED_AT_RUNG_ATTR];
    if (typeof stopped === 'number') return { prune: true, reason: `stopped at rung ${stopped} earlier` };
    if (!trial.intermediateValues.has(step)) return { prune: false, reason: `no value at step ${step}` };

    const attrs: Record<string, Json> = {};
    const learned = this.config.minResource === undefined || this.config.placedAfterTrialsRan === true;
    let minResource = this.config.minResource ?? learnedMinResource(study, trial);
    if (minResource === undefined) {
      const rule = this.config.autoMinResource ?? PREDICTIVE_MIN_RESOURCE;
      minResource = rule === 'optuna' ? estimateMinResource(study) : predictiveMinResource(study.getTrials(['COMPLETE']), rule, singleDirection(study.directions));
      if (minResource === undefined) {
        const need = rule === 'optuna' ? 'the first complete trial' : `${rule.minTrials} complete trials`;
        return { prune: false, reason: `the min resource is learned from ${need}; not there yet` };
      }
      attrs[LEARNED_MIN_RESOURCE_ATTR] = minResource;
    }
    const { reductionFactor: eta, minEarlyStoppingRate, bootstrapCount } = this.config;
    const maximize = singleDirection(study.directions) === 'maximize';
    const all = study.getTrials();

    let rung = currentRung(trial);
    let reason = '';
    for (;;) {
      const rungStep = minResource * eta ** (minEarlyStoppingRate + rung);
      if (step < rungStep) {
        return { prune: false, reason: reason || `rung ${rung} is at step ${rungStep}`, systemAttrs: attrs };
      }
      // A trial that passed the rung's step before the rung was known (min resource still being learned) is
      // judged on its value at the rung's step when it has one, like every other trial there.
      const at = learned && trial.intermediateValues.has(rungStep) ? rungStep : step;
      const value = trial.intermediateValues.get(at)!;
      if (Number.isNaN(value)) {
        attrs[STOPPED_AT_RUNG_ATTR] = rung;
        return { prune: true, reason: `value at step ${at} is NaN at rung ${rung}`, systemAttrs: attrs };
      }
      attrs[rungAttr(rung)] = value;
      const competing = [value];
      const key = rungAttr(rung);
      for (const t of all) {
        if (t.number === trial.number) continue;
        const v = t.systemAttrs[key];
        if (typeof v === 'number') competing.push(v);
        // Trials that completed while the min resource was being learned never recorded a rung; their value at
        // the rung's step is what they would have recorded.
        else if (learned && t.state === 'COMPLETE') {
          const w = t.intermediateValues.get(rungStep);
          if (w !== undefined && !Number.isNaN(w)) competing.push(w);
        }
      }
      if (competing.length <= bootstrapCount) {
        reason = `rung ${rung} holds ${competing.length} of the ${bootstrapCount + 1} values it needs before deciding`;
      } else if (isPromotable(value, competing, eta, maximize)) {
        reason = `${value} at step ${at} is in the top 1/${eta} of ${competing.length} values at rung ${rung}`;
      } else {
        attrs[STOPPED_AT_RUNG_ATTR] = rung;
        return {
          prune: true,
          reason: `${value} at step ${at} is not in the top 1/${eta} of ${competing.length} values at rung ${rung}`,
          systemAttrs: attrs,
        };
      }
      rung++;
    }
  }

  /**
   * What the sampler learns from. With a learned min resource every rung sits where ranking has become
   * predictive, so every trial (pruned ones rank below complete ones in TPE's split, as they should); with a min
   * resource set by the user the rungs may sit where curves still cross, so the trials stopped at the first rung
   * are left out (see learnsFrom).
   */
  // NOTE: measured in bench/pruning (pruners/README.md): hiding first-rung casualties pays when the first rung is
  // at step 1 of 100 on crossing curves, but costs when it is predictive (rung at step 64: TPE −2.93 hidden,
  // −3.13 shown; learned rung: −3.12 hidden, −3.17 shown): there they are most of the evidence.
  samplerView(study: StudyView): StudyView {
    if (this.config.minResource === undefined && this.config.autoMinResource !== 'optuna') return study;
    return studyViewOf(study, study.getTrials().filter(learnsFrom));
  }
}

/**
 * Whether a sampler should learn from `trial` when the rungs are set by the user: every trial but those
 * successive halving stopped at its first rung.
 */
// NOTE: why (measured in bench/pruning, see pruners/README.md): a trial stopped at a first rung at 1% of training
// only says "not in the top 1/η after minResource steps", the weakest evidence there is about its final value, and
// such trials are most of the study (1 − 1/η of all trials). TPE (Bergstra et al. 2011; Optuna's _split_trials)
// puts every pruned trial in its bad set g(x), so with crossing learning curves they teach it to avoid slow
// starters, the very late bloomers the first rung stops. Trials stopped at later rungs, and complete ones, stay.
export function learnsFrom(trial: FrozenTrial): boolean {
  return !(trial.state === 'PRUNED' && trial.systemAttrs[STOPPED_AT_RUNG_ATTR] === 0);
}

/** The first rung the trial has not recorded yet. */
export function currentRung(trial: FrozenTrial): number {
  let rung = 0;
  while (rungAttr(rung) in trial.systemAttrs) rung++;
  return rung;
}

/** Top 1/η of `competing` (which includes `value`); when fewer than η compete, only the best passes. */
export function isPromotable(value: number, competing: number[], eta: number, maximize: boolean): boolean {
  const idx = Math.max(Math.floor(competing.length / eta) - 1, 0);
  const sorted = [...competing].sort((a, b) => a - b);
  return maximize ? value >= sorted[sorted.length - 1 - idx] : value <= sorted[idx];
}

/** The min resource written by the lowest-numbered trial that learned it, if any. */
function learnedMinResource(study: StudyView, trial: FrozenTrial): number | undefined {
  const own = trial.systemAttrs[LEARNED_MIN_RESOURCE_ATTR];
  for (const t of study.getTrials()) {
    if (t.number >= trial.number && typeof own === 'number') return own;
    const v = t.systemAttrs[LEARNED_MIN_RESOURCE_ATTR];
    if (typeof v === 'number') return v;
  }
  return typeof own === 'number' ? own : undefined;
}

// NOTE: Optuna's _estimate_min_resource: 1% of the longest complete trial, at least one step.
function estimateMinResource(study: StudyView): number | undefined {
  let longest: number | undefined;
  for (const t of study.getTrials(['COMPLETE'])) {
    const s = lastStep(t);
    if (s !== undefined && (longest === undefined || s > longest)) longest = s;
  }
  return longest === undefined ? undefined : Math.max(Math.floor(longest / 100), 1);
}
