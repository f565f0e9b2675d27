import { updateTrial } from '../storage/trial-repository.js';
import { validateTrialId, validateWorkerId } from './limits.js';
import { inTransaction, type ServiceContext } from './service-context.js';
import { checkLease, lockTrialWithStudy, requireRunning } from './trial-lease.js';

/** Renews a running trial's lease; answers when it will expire (null when the study has no grace period). */
export async function heartbeat(
  ctx: ServiceContext,
  input: { trialId: number; workerId?: string },
): Promise<{ leaseExpiresAt: Date | null }> {
  const trialId = validateTrialId(input.trialId);
  const workerId = validateWorkerId(input.workerId);
  return inTransaction(ctx, async (trx) => {
    const { row, study } = await lockTrialWithStudy(trx, trialId);
    checkLease(row, workerId, 'heartbeat');
    requireRunning(row, 'heartbeat');
    const now = ctx.now();
    await updateTrial(trx, row.id, { last_heartbeat_at: now.toISOString() });
    const grace = study.heartbeat_grace_seconds;
    return { leaseExpiresAt: grace > 0 ? new Date(now.getTime() + grace * 1000) : null };
  });
}
