import type { Json } from '../core/json.js';
import type { Direction } from '../core/study.js';
import type { TrialState } from '../core/trial.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';
import type { StudyRow } from '../storage/database.js';
import type { StudyRecord } from './hpo-service.js';

/** A stored study as the service returns it. */
export function studyRecordOf(row: StudyRow, counts: Readonly<Record<string, number>> | undefined): StudyRecord {
  const trialCounts: Record<TrialState, number> = { WAITING: 0, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAIL: 0 };
  for (const [state, n] of Object.entries(counts ?? {})) trialCounts[state as TrialState] = n;
  return {
    id: row.id,
    name: row.name,
    directions: row.directions as Direction[],
    sampler: row.sampler as SamplerSpec,
    pruner: row.pruner as PrunerSpec,
    seed: Number(row.seed),
    userAttrs: row.user_attrs as Record<string, Json>,
    createdAt: row.created_at,
    maxTrials: row.max_trials,
    failurePolicy: { heartbeatGraceSeconds: row.heartbeat_grace_seconds, maxRetries: row.max_retries, countFailedTrials: row.count_failed_trials },
    state: row.state,
    trialCounts,
  };
}
