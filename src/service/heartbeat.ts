import { renewLease } from '../storage/trial-repository.js';
import { validateTrialId, validateWorkerId } from './limits.js';
import { inTransaction, read, type ServiceContext } from './service-context.js';
import { checkLease, lockTrialWithStudy, requireRunning } from './trial-lease.js';

/** Renews a running trial's lease; answers when it will expire (null when the study has no grace period). */
export async function heartbeat(
  ctx: ServiceContext,
  input: { trialId: number; workerId?: string },
): Promise<{ leaseExpiresAt: Date | null }> {
  const trialId = validateTrialId(input.trialId);
  const workerId = validateWorkerId(input.workerId);
  const now = ctx.now();
  const expiry = (grace: number) => ({ leaseExpiresAt: grace > 0 ? new Date(now.getTime() + grace * 1000) : null });
  // The common case in one statement: every worker beats every few seconds, so this must stay cheap.
  const renewed = await read(ctx, (db) => renewLease(db, trialId, workerId, now.toISOString()));
  if (renewed) return expiry(renewed.graceSeconds);
  // Refused: find out why, under the trial's lock, and say so.
  return inTransaction(ctx, async (trx) => {
    const { row, study } = await lockTrialWithStudy(trx, trialId);
    checkLease(row, workerId, 'heartbeat');
    requireRunning(row, 'heartbeat');
    // The trial became renewable in between (e.g. it was just asked): renew it now.
    const again = await renewLease(trx, trialId, workerId, now.toISOString());
    return expiry(again?.graceSeconds ?? study.heartbeat_grace_seconds);
  });
}
