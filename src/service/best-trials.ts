import { NotFoundError } from '../core/errors.js';
import { paretoFront } from '../core/pareto.js';
import type { FrozenTrial } from '../core/trial.js';
import { findStudyByName } from '../storage/study-repository.js';
import { findTrialById } from '../storage/trial-repository.js';
import type { TrialRecord } from './hpo-service.js';
import { validateStudyName } from './limits.js';
import { read, type ServiceContext } from './service-context.js';
import { trialRecordFromFrozen } from './trial-record.js';

function feasible(t: FrozenTrial): boolean {
  return t.constraints === null || t.constraints.every((c) => c <= 0);
}

/**
 * The best COMPLETE trial (one objective; ties go to the lowest number) or the Pareto front (several).
 * When any complete trial has constraints, only feasible ones (every constraint <= 0) count.
 */
export async function bestTrials(ctx: ServiceContext, studyName: string): Promise<TrialRecord[]> {
  validateStudyName(studyName, 'study_name');
  return read(ctx, async (db) => {
    const study = await findStudyByName(db, studyName);
    if (!study) throw new NotFoundError('study', studyName);
    const entry = ctx.cache.entryFor(study);
    await entry.refresh(db);
    let complete = entry.trialList().filter((t) => t.state === 'COMPLETE' && t.values !== null);
    if (complete.some((t) => t.constraints !== null)) complete = complete.filter(feasible);
    if (complete.length === 0) return [];
    const directions = entry.base.directions;
    let chosen: FrozenTrial[];
    if (directions.length === 1) {
      const sign = directions[0] === 'minimize' ? 1 : -1;
      let best = complete[0];
      for (const t of complete) if (sign * t.values![0] < sign * best.values![0]) best = t;
      chosen = [best];
    } else {
      chosen = paretoFront(complete.map((t) => t.values!), directions).map((i) => complete[i]);
    }
    const out: TrialRecord[] = [];
    for (const t of chosen) {
      const row = await findTrialById(db, t.id);
      if (row) out.push(trialRecordFromFrozen(t, row, study.name));
    }
    return out;
  });
}
