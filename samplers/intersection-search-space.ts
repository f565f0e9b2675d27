import { distributionsEqual, type Distribution, isSingle, type SearchSpace } from '../src/core/distribution.js';
import type { StudyView } from '../src/core/study.js';
import type { FrozenTrial } from '../src/core/trial.js';

/**
 * The space a joint sampler (GP, QMC) models for `trial`: the declared space when the worker declared one
 * (define-and-run), else the parameters every COMPLETE trial has with one and the same distribution
 * (Optuna's IntersectionSearchSpace), in the order of the first such trial. Single-valued parameters are left
 * out: there is nothing to choose.
 */
export function jointSearchSpace(study: StudyView, declared: SearchSpace): SearchSpace {
  const out: Record<string, Distribution> = {};
  if (Object.keys(declared).length > 0) {
    for (const [name, d] of Object.entries(declared)) if (!isSingle(d)) out[name] = d;
    return out;
  }
  let common: Map<string, Distribution> | undefined;
  for (const t of study.getTrials(['COMPLETE'])) {
    common = intersect(common, t);
    if (common.size === 0) return {};
  }
  if (!common) return {};
  for (const [name, d] of common) if (!isSingle(d)) out[name] = d;
  return out;
}

function intersect(common: Map<string, Distribution> | undefined, trial: FrozenTrial): Map<string, Distribution> {
  if (!common) return new Map(Object.entries(trial.distributions));
  const next = new Map<string, Distribution>();
  for (const [name, d] of common) {
    const other = trial.distributions[name];
    if (other && distributionsEqual(d, other)) next.set(name, d);
  }
  return next;
}
