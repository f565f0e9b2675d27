import type { ParamValue } from '../core/distribution.js';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, ResourceExhaustedError } from '../core/errors.js';
import type { Json } from '../core/json.js';
import { FIXED_PARAMS_ATTR } from '../core/sample-params.js';
import { lockStudyByName, takeTrialNumber } from '../storage/study-repository.js';
import { findTrialById, insertTrial } from '../storage/trial-repository.js';
import type { TrialRecord } from './hpo-service.js';
import { recallResponse, rememberResponse, requestIdReused } from './idempotency.js';
import { LIMITS, serializeUserAttrs, validateParamName, validateParamValue, validateRequestId, validateStudyName } from './limits.js';
import { inTransaction, type ServiceContext } from './service-context.js';
import { trialRecordOf } from './trial-record.js';

function sameParamValues(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, ParamValue>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is(a[k], b[k]));
}

/**
 * Enqueues a trial with fixed params (user values, applied when the params are sampled or suggested). It
 * takes its number now and waits (WAITING) until an ask hands it out, before anything is sampled.
 */
export async function enqueueTrial(
  ctx: ServiceContext,
  input: {
    studyName: string;
    params: Readonly<Record<string, ParamValue>>;
    userAttrs?: Readonly<Record<string, Json>>;
    skipIfExists?: boolean;
    requestId?: string;
  },
): Promise<TrialRecord> {
  const studyName = validateStudyName(input.studyName, 'study_name');
  if (typeof input.params !== 'object' || input.params === null || Array.isArray(input.params))
    throw new InvalidArgumentError('params', 'must be a map of parameter name to value');
  const names = Object.keys(input.params);
  if (names.length > LIMITS.paramsPerTrial)
    throw new ResourceExhaustedError(`params: at most ${LIMITS.paramsPerTrial} parameters, got ${names.length}`);
  const params: Record<string, ParamValue> = {};
  for (const name of names) {
    validateParamName(name, `params.${name}`);
    params[name] = validateParamValue(input.params[name], `params.${name}`);
  }
  const userAttrsJson = serializeUserAttrs(input.userAttrs);
  const requestId = validateRequestId(input.requestId);

  return inTransaction(ctx, async (trx) => {
    const stored = await recallResponse<{ trialId: number }>(trx, 'EnqueueTrial', requestId);
    const study = await lockStudyByName(trx, studyName);
    if (!study) throw new NotFoundError('study', studyName);
    if (stored) {
      const row = await findTrialById(trx, stored.trialId);
      if (!row || row.study_id !== study.id) throw requestIdReused('study');
      return trialRecordOf(row, new Map(), study.name);
    }
    if (study.state === 'DONE') throw new FailedPreconditionError(`enqueue refused: study "${study.name}" is done`);
    if (input.skipIfExists) {
      const entry = ctx.cache.entryFor(study);
      await entry.refresh(trx);
      for (const t of entry.trialList()) {
        if (t.state === 'FAIL') continue;
        const fixed = t.systemAttrs[FIXED_PARAMS_ATTR];
        const matches =
          (fixed && typeof fixed === 'object' && !Array.isArray(fixed) && sameParamValues(fixed as Record<string, unknown>, params)) ||
          sameParamValues(t.params, params);
        if (matches) {
          const row = await findTrialById(trx, t.id);
          if (row) {
            await rememberResponse(trx, 'EnqueueTrial', requestId, { trialId: row.id });
            return trialRecordOf(row, new Map(), study.name);
          }
        }
      }
    }
    const number = await takeTrialNumber(trx, study.id);
    const row = await insertTrial(trx, {
      study_id: study.id,
      number,
      state: 'WAITING',
      params: '{}',
      user_attrs: userAttrsJson,
      system_attrs: JSON.stringify({ [FIXED_PARAMS_ATTR]: params }),
      created_at: ctx.now().toISOString(),
    });
    await rememberResponse(trx, 'EnqueueTrial', requestId, { trialId: row.id });
    return trialRecordOf(row, new Map(), study.name);
  });
}
