import type { Distribution } from '../core/distribution.js';
import { InvalidArgumentError, ResourceExhaustedError } from '../core/errors.js';
import { suggestParam, withParam } from '../core/sample-params.js';
import type { FrozenTrial } from '../core/trial.js';
import { updateTrial } from '../storage/trial-repository.js';
import type { SuggestedParam } from './hpo-service.js';
import { LIMITS, validateDistributionShape, validateParamName, validateTrialId, validateWorkerId } from './limits.js';
import { inTransaction, type ServiceContext } from './service-context.js';
import { frozenTrialOf, storedParamsOf } from './trial-record.js';
import { checkLease, lockTrialWithStudy, requireRunning } from './trial-lease.js';

/**
 * Define-by-run: parameters for a running trial, in the order given, under the trial's row lock. A name
 * already suggested with the same distribution returns its value; a different distribution is refused.
 */
export async function suggest(
  ctx: ServiceContext,
  input: { trialId: number; params: ReadonlyArray<{ name: string; distribution: Distribution }>; workerId?: string },
): Promise<SuggestedParam[]> {
  const trialId = validateTrialId(input.trialId);
  const workerId = validateWorkerId(input.workerId);
  if (!Array.isArray(input.params)) throw new InvalidArgumentError('params', 'must be a list');
  if (input.params.length > LIMITS.paramsPerTrial)
    throw new ResourceExhaustedError(`params: at most ${LIMITS.paramsPerTrial} parameters per call, got ${input.params.length}`);
  const seen = new Map<string, Distribution>();
  input.params.forEach((p, i) => {
    validateParamName(p?.name, `params[${i}].name`);
    validateDistributionShape(p.distribution, `params[${i}].distribution`);
    seen.set(p.name, p.distribution);
  });

  return inTransaction(ctx, async (trx) => {
    const { row, study, xmin } = await lockTrialWithStudy(trx, trialId);
    checkLease(row, workerId, 'suggest');
    requireRunning(row, 'suggest');
    const entry = ctx.cache.entryFor(study);
    await entry.refresh(trx, xmin);
    let trial: FrozenTrial = frozenTrialOf(row, entry.intermediateValues(row.id));
    const before = Object.keys(trial.distributions).length;
    const out: SuggestedParam[] = [];
    // One view for the whole call (copying the study per parameter would cost O(params × trials)); the
    // sampler gets the growing trial itself as its own argument.
    const full = entry.studyViewWith(trial);
    const view = entry.pruner.samplerView ? entry.pruner.samplerView(full, trial) : full;
    input.params.forEach((p, i) => {
      const x = suggestParam(entry.sampler, view, trial, p.name, p.distribution, `params[${i}]`);
      trial = withParam(trial, p.name, p.distribution, x);
      out.push({ name: p.name, distribution: p.distribution, value: trial.params[p.name], internal: x });
    });
    const after = Object.keys(trial.distributions).length;
    if (after > LIMITS.paramsPerTrial)
      throw new ResourceExhaustedError(`params: a trial holds at most ${LIMITS.paramsPerTrial} parameters, this one would hold ${after}`);
    if (after > before) await updateTrial(trx, row.id, { params: storedParamsOf(trial) });
    return out;
  });
}
