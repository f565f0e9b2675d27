import type { Json } from '../core/json.js';
import { lockStudyById, reopenStudy, takeTrialNumber } from '../storage/study-repository.js';
import { findExpiredTrials, insertTrial, lockTrial, updateTrial } from '../storage/trial-repository.js';
import { inTransaction, type ServiceContext } from './service-context.js';
import { FIXED_PARAMS_ATTR } from '../core/sample-params.js';
import { frozenTrialOf } from './trial-record.js';
import { REAPED_ATTR, RETRY_COUNT_ATTR } from './trial-lease.js';

const BATCH = 100;

/**
 * Fails RUNNING trials whose lease expired (no heartbeat or report within the study's grace period) and,
 * when the study's retry policy allows, enqueues a WAITING copy with the same params. Runs on a timer in
 * every server; the row locks make concurrent reapers harmless. Returns how many trials it failed.
 */
export async function reapExpiredTrials(ctx: ServiceContext): Promise<number> {
  let reaped = 0;
  for (;;) {
    const now = ctx.now();
    const expired = await inTransaction(ctx, (trx) => findExpiredTrials(trx, now, BATCH));
    let progress = 0;
    for (const candidate of expired) {
      if (await reapOne(ctx, candidate.study_id, candidate.id)) progress++;
    }
    reaped += progress;
    // A full batch none of which could be reaped (another server got there first) ends this round too.
    if (expired.length < BATCH || progress === 0) return reaped;
  }
}

async function reapOne(ctx: ServiceContext, studyId: number, trialId: number): Promise<boolean> {
  return inTransaction(ctx, async (trx) => {
    // Study first, then trial: the order ask uses, so the two never deadlock.
    const study = await lockStudyById(trx, studyId);
    if (!study) return false;
    const row = await lockTrial(trx, trialId);
    if (!row || row.state !== 'RUNNING') return false;
    const now = ctx.now();
    const since = row.last_heartbeat_at ?? row.started_at;
    if (study.heartbeat_grace_seconds <= 0 || !since) return false;
    if (since.getTime() + study.heartbeat_grace_seconds * 1000 >= now.getTime()) return false;

    const retryCount = typeof row.system_attrs[RETRY_COUNT_ATTR] === 'number' ? (row.system_attrs[RETRY_COUNT_ATTR] as number) : 0;
    const retry = retryCount < study.max_retries;
    let retryNumber: number | null = null;
    if (retry) {
      retryNumber = await takeTrialNumber(trx, study.id);
      const trial = frozenTrialOf(row, new Map());
      // The copy keeps the failed trial's system attrs (a grid point stays held) and fixes its params.
      const systemAttrs: Record<string, Json> = {
        ...(row.system_attrs as Record<string, Json>),
        [FIXED_PARAMS_ATTR]: { ...trial.params },
        [RETRY_COUNT_ATTR]: retryCount + 1,
      };
      delete systemAttrs[REAPED_ATTR];
      await insertTrial(trx, {
        study_id: study.id,
        number: retryNumber,
        state: 'WAITING',
        params: JSON.stringify(row.params),
        user_attrs: '{}',
        system_attrs: JSON.stringify(systemAttrs),
        retry_of: row.number,
        created_at: now.toISOString(),
      });
      // A grid study is marked done when its last point is handed out, while trials still run; the retry of
      // one of them must still be handed out, so the study reopens (the next ask that finds nothing marks it done again).
      if (study.state === 'DONE') await reopenStudy(trx, study.id);
    }
    const reason =
      `no heartbeat for ${study.heartbeat_grace_seconds}s (lease expired)` +
      (retryNumber !== null ? `; retried as trial ${retryNumber}` : '');
    await updateTrial(trx, row.id, {
      state: 'FAIL',
      completed_at: now.toISOString(),
      system_attrs: JSON.stringify({ ...row.system_attrs, [REAPED_ATTR]: true }),
      user_attrs: JSON.stringify({ ...row.user_attrs, fail_reason: reason }),
    });
    ctx.logger.warn({ study: study.name, trial: row.number, retry: retryNumber }, 'failed a trial whose lease expired');
    return true;
  });
}
