import { FailedPreconditionError, InvalidArgumentError, ResourceExhaustedError } from '../core/errors.js';
import type { FrozenTrial } from '../core/trial.js';
import { float8Literal } from '../storage/float-array.js';
import { recordIntermediateValue } from '../storage/trial-repository.js';
import { recallResponse, rememberResponse, requestIdReused } from './idempotency.js';
import { LIMITS, validateRequestId, validateTrialId, validateWorkerId } from './limits.js';
import { inTransaction, type ServiceContext } from './service-context.js';
import { frozenTrialOf } from './trial-record.js';
import { checkLease, lockTrialWithStudy } from './trial-lease.js';

function sameDouble(a: number, b: number): boolean {
  return Object.is(a, b) || (a === b) || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Report: stores an intermediate value and answers whether to prune, in one transaction with the trial
 * locked. Steps may come in any order; the same value again at a step is a no-op (a retry), a different one
 * is refused. The report also renews the trial's lease.
 */
export async function report(
  ctx: ServiceContext,
  input: { trialId: number; step: number; value: number; workerId?: string; requestId?: string },
): Promise<{ shouldPrune: boolean; reason: string }> {
  const trialId = validateTrialId(input.trialId);
  if (typeof input.step !== 'number' || !Number.isSafeInteger(input.step) || input.step < 0)
    throw new InvalidArgumentError('step', `must be an integer >= 0, got ${String(input.step)}`);
  if (typeof input.value !== 'number') throw new InvalidArgumentError('value', 'must be a number');
  const workerId = validateWorkerId(input.workerId);
  const requestId = validateRequestId(input.requestId);
  const { step, value } = input;

  return inTransaction(ctx, async (trx) => {
    const stored = await recallResponse<{ trialId: number; shouldPrune: boolean; reason: string }>(trx, 'Report', requestId);
    if (stored) {
      if (stored.trialId !== trialId) throw requestIdReused('trial');
      return { shouldPrune: stored.shouldPrune, reason: stored.reason };
    }
    const { row, study, xmin } = await lockTrialWithStudy(trx, trialId);
    checkLease(row, workerId, 'report');
    if (row.state !== 'RUNNING') {
      throw new FailedPreconditionError(
        row.state === 'WAITING'
          ? `report refused: trial ${row.number} is WAITING; ask for it first`
          : `report after tell: trial ${row.number} is already finished (${row.state})`,
      );
    }
    const entry = ctx.cache.entryFor(study);
    // Refresh before writing: the cache must only hold committed rows.
    await entry.refresh(trx, xmin);
    // Exact: the refresh ran after the trial was locked, so every committed value of it is in the cache.
    const previous = entry.intermediateValues(row.id).get(step);
    if (previous !== undefined && !sameDouble(previous, value)) {
      throw new FailedPreconditionError(
        `step ${step} of trial ${row.number} was already reported with value ${float8Literal(previous)}; ` +
          `a different value (${float8Literal(value)}) is not allowed`,
      );
    }
    const values = new Map(entry.intermediateValues(row.id));
    if (previous === undefined && values.size >= LIMITS.intermediateValuesPerTrial)
      throw new ResourceExhaustedError(
        `step: trial ${row.number} already holds ${values.size} intermediate values, the most a trial may hold (${LIMITS.intermediateValuesPerTrial})`,
      );
    values.set(step, previous ?? value);
    const ordered = new Map([...values.entries()].sort((a, b) => a[0] - b[0]));
    const trial: FrozenTrial = frozenTrialOf(row, ordered);
    const decision = entry.pruner.prune(entry.studyViewWith(trial), trial, step);
    // Always touch the row: it renews the lease and moves the change marker that caches follow.
    await recordIntermediateValue(
      trx,
      row.id,
      previous === undefined ? step : undefined,
      previous === undefined ? value : undefined,
      ctx.now().toISOString(),
      decision.systemAttrs ? JSON.stringify({ ...row.system_attrs, ...decision.systemAttrs }) : undefined,
    );
    const answer = { shouldPrune: decision.prune, reason: decision.reason };
    await rememberResponse(trx, 'Report', requestId, { trialId, ...answer });
    return answer;
  });
}
