import { FailedPreconditionError, NotFoundError } from '../core/errors.js';
import type { StudyRow, TrialRow } from '../storage/database.js';
import { lockTrialAndStudy } from '../storage/trial-repository.js';
import type { Tx } from './service-context.js';

/** System attribute set on trials the reaper failed. */
export const REAPED_ATTR = 'failed_by_reaper';
/** System attribute: how many times this trial's params have been retried so far. */
export const RETRY_COUNT_ATTR = 'retry_count';

/** A trial locked for writing, with its study. */
export interface LockedTrial {
  readonly row: TrialRow;
  readonly study: StudyRow;
  /** The xmin of the locking statement's snapshot (for StudyCacheEntry.refresh). */
  readonly xmin: bigint;
}

/** Locks a trial (NOT_FOUND when absent) and loads its study. */
export async function lockTrialWithStudy(trx: Tx, trialId: number): Promise<LockedTrial> {
  const locked = await lockTrialAndStudy(trx, trialId);
  if (!locked) throw new NotFoundError('trial', String(trialId));
  return { row: locked.trial, study: locked.study, xmin: locked.xmin };
}

/**
 * Refuses a call from a worker that no longer holds the trial: another worker holds it, or the reaper
 * failed it after its lease expired (a slow worker waking up must not overwrite a retried trial).
 */
export function checkLease(row: TrialRow, workerId: string | undefined, action: string): void {
  const reaped = row.system_attrs[REAPED_ATTR];
  if (row.state === 'FAIL' && reaped) {
    throw new FailedPreconditionError(
      `${action} refused: trial ${row.number} was failed by the server after its lease expired ` +
        `(no heartbeat in time); its results are no longer accepted`,
    );
  }
  if (workerId !== undefined && row.worker_id !== null && row.worker_id !== workerId) {
    throw new FailedPreconditionError(
      `${action} refused: trial ${row.number} is held by worker "${row.worker_id}", not "${workerId}"`,
    );
  }
}

/** Refuses a call that needs a RUNNING trial. */
export function requireRunning(row: TrialRow, action: string): void {
  if (row.state === 'RUNNING') return;
  if (row.state === 'WAITING')
    throw new FailedPreconditionError(`${action} refused: trial ${row.number} is WAITING; ask for it first`);
  throw new FailedPreconditionError(`${action} refused: trial ${row.number} is already finished (${row.state})`);
}
