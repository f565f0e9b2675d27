import { FailedPreconditionError, InvalidArgumentError } from '../core/errors.js';
import { isFinished, type TrialState } from '../core/trial.js';
import type { TrialRow } from '../storage/database.js';
import { float8ArrayLiteral } from '../storage/float-array.js';
import { findLastIntermediateValue, readIntermediateValues, updateTrialWithValues } from '../storage/trial-repository.js';
import type { TrialRecord } from './hpo-service.js';
import { recallResponse, rememberResponse, requestIdReused } from './idempotency.js';
import { LIMITS, validateRequestId, validateTrialId, validateWorkerId } from './limits.js';
import { inTransaction, type ServiceContext, type Tx } from './service-context.js';
import { groupIntermediateValues, trialRecordOf } from './trial-record.js';
import { checkLease, lockTrialWithStudy } from './trial-lease.js';

export interface TellInput {
  trialId: number;
  state: TrialState;
  values?: readonly number[];
  constraints?: readonly number[];
  failReason?: string;
  workerId?: string;
  requestId?: string;
}

function validateNumbers(values: readonly number[] | undefined, field: string): number[] | undefined {
  if (values === undefined || values === null) return undefined;
  if (!Array.isArray(values)) throw new InvalidArgumentError(field, 'must be a list of numbers');
  values.forEach((v, i) => {
    if (typeof v !== 'number') throw new InvalidArgumentError(`${field}[${i}]`, 'must be a number');
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`${field}[${i}]`, `must be finite, got ${v}`);
  });
  return [...values];
}

function sameValues(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || x === b[i]);
}

async function recordOf(trx: Tx, row: TrialRow, studyName: string): Promise<TrialRecord> {
  const values = groupIntermediateValues(await readIntermediateValues(trx, [row.id])).get(row.id) ?? new Map();
  return trialRecordOf(row, values, studyName);
}

/** A tell whose input passed validation (what tell and the tell batcher both start from). */
export interface ValidTell {
  readonly trialId: number;
  readonly state: 'COMPLETE' | 'PRUNED' | 'FAIL';
  readonly values: number[] | undefined;
  readonly constraints: number[] | undefined;
  readonly failReason: string | undefined;
  readonly workerId: string | undefined;
  readonly requestId: string | undefined;
}

/** Checks a tell's input (everything that needs no stored state); throws naming the field. */
export function validateTell(input: TellInput): ValidTell {
  const trialId = validateTrialId(input.trialId);
  const state = input.state;
  if (state !== 'COMPLETE' && state !== 'PRUNED' && state !== 'FAIL')
    throw new InvalidArgumentError('state', `must be COMPLETE, PRUNED or FAIL, got ${JSON.stringify(state)}`);
  let values = validateNumbers(input.values, 'values');
  if (values !== undefined && values.length === 0) values = undefined;
  let constraints = validateNumbers(input.constraints, 'constraints');
  if (constraints !== undefined && constraints.length === 0) constraints = undefined;
  if (state === 'FAIL' && values !== undefined)
    throw new InvalidArgumentError('values', 'must be empty when the state is FAIL');
  const failReason = input.failReason === '' ? undefined : input.failReason;
  if (failReason !== undefined) {
    if (typeof failReason !== 'string') throw new InvalidArgumentError('fail_reason', 'must be a string');
    if (failReason.length > LIMITS.failReasonLength)
      throw new InvalidArgumentError('fail_reason', `must be at most ${LIMITS.failReasonLength} characters, got ${failReason.length}`);
    if (state !== 'FAIL') throw new InvalidArgumentError('fail_reason', 'is only allowed when the state is FAIL');
  }
  const workerId = validateWorkerId(input.workerId);
  const requestId = validateRequestId(input.requestId);

  return { trialId, state, values, constraints, failReason, workerId, requestId };
}

/**
 * Tell: finishes a running trial as COMPLETE (one finite value per objective), PRUNED (values optional;
 * the last intermediate value for one objective) or FAIL. A finished trial is never changed again; a retry of
 * the same tell (same request id, or the same state and values) returns the stored trial unchanged.
 */
export async function tell(ctx: ServiceContext, input: TellInput): Promise<TrialRecord> {
  const { trialId, state, values, constraints, failReason, workerId, requestId } = validateTell(input);
  return inTransaction(ctx, async (trx) => {
    const stored = await recallResponse<{ trialId: number }>(trx, 'Tell', requestId);
    if (stored) {
      if (stored.trialId !== trialId) throw requestIdReused('trial');
      const { row, study } = await lockTrialWithStudy(trx, trialId);
      return recordOf(trx, row, study.name);
    }
    const { row, study } = await lockTrialWithStudy(trx, trialId);
    checkLease(row, workerId, 'tell');
    const nObjectives = study.directions.length;

    if (isFinished(row.state)) {
      // A retry whose reply was lost: the same outcome again is answered with the stored trial.
      const same =
        row.state === state &&
        (state === 'FAIL' || values === undefined || sameValues(row.values, values)) &&
        (constraints === undefined || sameValues(row.constraints, constraints));
      if (same) return recordOf(trx, row, study.name);
      throw new FailedPreconditionError(`tell refused: trial ${row.number} is already finished (${row.state})`);
    }
    if (row.state === 'WAITING')
      throw new FailedPreconditionError(`tell refused: trial ${row.number} is WAITING; ask for it first`);

    let finalValues: number[] | null = null;
    if (state === 'COMPLETE') {
      if (values === undefined || values.length !== nObjectives)
        throw new InvalidArgumentError(
          'values',
          `must hold exactly ${nObjectives} value${nObjectives === 1 ? '' : 's'} (one per objective), got ${values?.length ?? 0}`,
        );
      finalValues = values;
    } else if (state === 'PRUNED') {
      if (values !== undefined) {
        if (values.length !== nObjectives)
          throw new InvalidArgumentError('values', `must hold exactly ${nObjectives} values or none, got ${values.length}`);
        finalValues = values;
      } else if (nObjectives === 1) {
        const last = await findLastIntermediateValue(trx, row.id);
        finalValues = last === undefined ? null : [last];
      }
    }
    const userAttrs = failReason !== undefined ? { ...row.user_attrs, fail_reason: failReason } : row.user_attrs;
    const now = ctx.now().toISOString();
    const updated = await updateTrialWithValues(trx, row.id, {
      state,
      values: float8ArrayLiteral(finalValues),
      constraints: float8ArrayLiteral(constraints),
      completed_at: now,
      last_heartbeat_at: now,
      ...(failReason !== undefined ? { user_attrs: JSON.stringify(userAttrs) } : {}),
    });
    await rememberResponse(trx, 'Tell', requestId, { trialId });
    return trialRecordOf(updated.row, updated.values, study.name);
  });
}
