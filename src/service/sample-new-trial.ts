import type { Distribution, SearchSpace } from '../core/distribution.js';
import type { Json } from '../core/json.js';
import { sampleTrialStart, withParam } from '../core/sample-params.js';
import type { Pruner } from '../core/pruner.js';
import type { Sampler } from '../core/sampler.js';
import type { StudyView } from '../core/study.js';
import type { FrozenTrial } from '../core/trial.js';
import type { StudyRow } from '../storage/database.js';
import type { StudyCacheEntry } from './study-cache.js';

/** Samples the declared space for a trial about to start, with the study as the sampler should see it. */
export function sampleNewTrial(entry: StudyCacheEntry, fresh: FrozenTrial, space: SearchSpace, full: StudyView): FrozenTrial {
  return sampleNewTrialWith(entry.sampler, entry.pruner, fresh, space, full);
}

/** sampleNewTrial with the study's sampler and pruner given (the sampling thread keeps its own instances). */
export function sampleNewTrialWith(sampler: Sampler, pruner: Pruner, fresh: FrozenTrial, space: SearchSpace, full: StudyView): FrozenTrial {
  // A pruner may narrow what the sampler learns from (Hyperband brackets, ASHA's early stops).
  const view = pruner.samplerView ? pruner.samplerView(full, fresh) : full;
  const chosen = sampleTrialStart(sampler, view, fresh, space);
  let trial: FrozenTrial = { ...fresh, systemAttrs: { ...fresh.systemAttrs, ...chosen.systemAttrs } as Record<string, Json> };
  for (const [name, d] of Object.entries(space) as Array<[string, Distribution]>) {
    trial = withParam(trial, name, d, chosen.internal[name]);
  }
  return trial;
}

/** Why a DONE study hands out nothing more, as stored when it was marked done. */
export function doneReason(study: StudyRow): string {
  const reason = study.system_attrs['done_reason'];
  return typeof reason === 'string' ? reason : 'the study is done';
}
