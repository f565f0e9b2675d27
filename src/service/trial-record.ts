import type { Distribution, ParamValue } from '../core/distribution.js';
import { toExternal } from '../core/distribution.js';
import type { Json } from '../core/json.js';
import type { FrozenTrial } from '../core/trial.js';
import type { StoredParam, TrialRow } from '../storage/database.js';
import type { IntermediateValueRow } from '../storage/trial-repository.js';
import type { TrialRecord } from './hpo-service.js';

/** A stored trial as samplers and pruners see it. */
export function frozenTrialOf(row: TrialRow, intermediateValues: ReadonlyMap<number, number>): FrozenTrial {
  const params: Record<string, ParamValue> = {};
  const internalParams: Record<string, number> = {};
  const distributions: Record<string, Distribution> = {};
  for (const [name, p] of Object.entries(row.params as Record<string, StoredParam>)) {
    const d = p.distribution as Distribution;
    distributions[name] = d;
    internalParams[name] = p.internal;
    params[name] = toExternal(d, p.internal);
  }
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    params,
    internalParams,
    distributions,
    values: row.values,
    intermediateValues,
    constraints: row.constraints,
    userAttrs: row.user_attrs as Record<string, Json>,
    systemAttrs: row.system_attrs as Record<string, Json>,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  };
}

/** A stored trial as the service returns it. */
export function trialRecordOf(row: TrialRow, intermediateValues: ReadonlyMap<number, number>, studyName: string): TrialRecord {
  return {
    ...frozenTrialOf(row, intermediateValues),
    studyName,
    lastHeartbeatAt: row.last_heartbeat_at,
    workerId: row.worker_id,
    retryOf: row.retry_of,
  };
}

/** A FrozenTrial (as built during a call) as the service returns it, with the row's bookkeeping. */
export function trialRecordFromFrozen(trial: FrozenTrial, row: TrialRow, studyName: string): TrialRecord {
  return { ...trial, studyName, lastHeartbeatAt: row.last_heartbeat_at, workerId: row.worker_id, retryOf: row.retry_of };
}

/** Intermediate values grouped by trial id. */
export function groupIntermediateValues(rows: readonly IntermediateValueRow[]): Map<number, Map<number, number>> {
  const byTrial = new Map<number, Map<number, number>>();
  for (const r of rows) {
    let m = byTrial.get(r.trial_id);
    if (!m) byTrial.set(r.trial_id, (m = new Map()));
    m.set(Number(r.step), r.value);
  }
  return byTrial;
}

/** The params column for a trial's params (name -> distribution and internal value). */
export function storedParamsOf(trial: FrozenTrial): string {
  const stored: Record<string, StoredParam> = {};
  for (const [name, d] of Object.entries(trial.distributions)) stored[name] = { distribution: d, internal: trial.internalParams[name] };
  return JSON.stringify(stored);
}
