import type { Distribution, SearchSpace } from '../core/distribution.js';
import { NotFoundError } from '../core/errors.js';
import type { Json } from '../core/json.js';
import { sampleTrialStart, withParam } from '../core/sample-params.js';
import { SamplerExhausted } from '../core/sampler.js';
import type { FrozenTrial } from '../core/trial.js';
import type { StudyRow } from '../storage/database.js';
import { lockStudyByName, markStudyDone, takeTrialNumber } from '../storage/study-repository.js';
import { findTrialById, findTrialByNumber, insertTrial, lockFirstWaitingTrial, updateTrial } from '../storage/trial-repository.js';
import type { AskResult } from './hpo-service.js';
import { recallResponse, rememberResponse, requestIdReused } from './idempotency.js';
import { validateRequestId, validateSearchSpace, validateStudyName, validateWorkerId } from './limits.js';
import { inTransaction, type ServiceContext, type Tx } from './service-context.js';
import type { StudyCacheEntry } from './study-cache.js';
import { frozenTrialOf, storedParamsOf, trialRecordFromFrozen, trialRecordOf } from './trial-record.js';

type StoredAsk = { trialId: number; studyId: number } | { done: string; studyId: number };

const EMPTY_VALUES: ReadonlyMap<number, number> = new Map();

/**
 * Ask, in one transaction holding the study row lock: the budget check, a WAITING trial first, else the
 * next number and a fresh sample of the declared space, then the insert. The lock is what makes numbers
 * dense and unique and grid hand-outs exclusive across every process.
 */
export async function ask(
  ctx: ServiceContext,
  input: { studyName: string; searchSpace: SearchSpace; workerId?: string; requestId?: string },
): Promise<AskResult> {
  const studyName = validateStudyName(input.studyName, 'study_name');
  const space = validateSearchSpace(input.searchSpace);
  const workerId = validateWorkerId(input.workerId);
  const requestId = validateRequestId(input.requestId);
  return inTransaction(ctx, async (trx) => {
    const stored = await recallResponse<StoredAsk>(trx, 'Ask', requestId);
    const study = await lockStudyByName(trx, studyName);
    if (!study) throw new NotFoundError('study', studyName);
    if (stored) return replayAsk(trx, study, stored);

    const finish = async (reason: string, markDone: boolean): Promise<AskResult> => {
      if (markDone) await markStudyDone(trx, study.id, reason);
      await rememberResponse(trx, 'Ask', requestId, { done: reason, studyId: study.id });
      return { kind: 'done', reason };
    };
    if (study.state === 'DONE') return finish(doneReason(study), false);

    const entry = ctx.cache.entryFor(study);
    await entry.refresh(trx);
    if (study.max_trials !== null) {
      const counts = entry.countByState();
      const used = counts.RUNNING + counts.COMPLETE + counts.PRUNED;
      if (used >= study.max_trials) {
        // Done for good only once nothing is running: a running trial that fails gives its slot back.
        return finish(`the study reached its budget of ${study.max_trials} trials`, counts.RUNNING === 0);
      }
    }

    const now = ctx.now();
    const waiting = await lockFirstWaitingTrial(trx, study.id);
    let fresh: FrozenTrial;
    if (waiting) {
      fresh = { ...frozenTrialOf(waiting, EMPTY_VALUES), state: 'RUNNING', startedAt: now };
    } else {
      fresh = {
        id: 0,
        number: study.next_trial_number,
        state: 'RUNNING',
        params: {},
        internalParams: {},
        distributions: {},
        values: null,
        intermediateValues: EMPTY_VALUES,
        constraints: null,
        userAttrs: {},
        systemAttrs: {},
        startedAt: now,
        completedAt: null,
      };
    }

    let trial: FrozenTrial;
    try {
      trial = sampleNewTrial(entry, fresh, space);
    } catch (error) {
      if (!(error instanceof SamplerExhausted)) throw error;
      return finish(error.reason, true);
    }

    const columns = {
      state: 'RUNNING' as const,
      params: storedParamsOf(trial),
      system_attrs: JSON.stringify(trial.systemAttrs),
      worker_id: workerId ?? null,
      started_at: now.toISOString(),
      last_heartbeat_at: now.toISOString(),
    };
    const row = waiting
      ? await updateTrial(trx, waiting.id, columns)
      : await insertTrial(trx, { ...columns, study_id: study.id, number: trial.number, user_attrs: '{}', created_at: now.toISOString() });
    if (!waiting) await takeTrialNumber(trx, study.id);
    await rememberResponse(trx, 'Ask', requestId, { trialId: row.id, studyId: study.id });
    return { kind: 'trial', trial: trialRecordOf(row, EMPTY_VALUES, study.name) };
  });
}

/** Samples the declared space for a trial about to start, with the study as the sampler should see it. */
export function sampleNewTrial(entry: StudyCacheEntry, fresh: FrozenTrial, space: SearchSpace, full = entry.studyViewWith(fresh)): FrozenTrial {
  const view = entry.pruner.samplerView ? entry.pruner.samplerView(full, fresh) : full;
  const chosen = sampleTrialStart(entry.sampler, view, fresh, space);
  let trial: FrozenTrial = { ...fresh, systemAttrs: { ...fresh.systemAttrs, ...chosen.systemAttrs } as Record<string, Json> };
  for (const [name, d] of Object.entries(space) as Array<[string, Distribution]>) {
    trial = withParam(trial, name, d, chosen.internal[name]);
  }
  return trial;
}

export function doneReason(study: StudyRow): string {
  const reason = study.system_attrs['done_reason'];
  return typeof reason === 'string' ? reason : 'the study is done';
}

async function replayAsk(trx: Tx, study: StudyRow, stored: StoredAsk): Promise<AskResult> {
  if (stored.studyId !== study.id) throw requestIdReused('study');
  if ('done' in stored) return { kind: 'done', reason: stored.done };
  // The ask batcher remembers new trials by number (see ask-batcher.ts).
  const byNumber = stored as unknown as { number?: number };
  const row = byNumber.number !== undefined ? await findTrialByNumber(trx, study.id, byNumber.number) : await findTrialById(trx, stored.trialId);
  if (!row) throw new NotFoundError('trial', String(stored.trialId));
  return { kind: 'trial', trial: trialRecordFromFrozen(frozenTrialOf(row, EMPTY_VALUES), row, study.name) };
}
