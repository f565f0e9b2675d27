import { InvalidArgumentError } from '../core/errors.js';
import type { TellInput } from './hpo-service.js';
import { LIMITS, validateRequestId, validateTrialId, validateWorkerId } from './limits.js';

export type { TellInput } from './hpo-service.js';

function validateNumbers(values: readonly number[] | undefined, field: string): number[] | undefined {
  if (values === undefined || values === null) return undefined;
  if (!Array.isArray(values)) throw new InvalidArgumentError(field, 'must be a list of numbers');
  values.forEach((v, i) => {
    if (typeof v !== 'number') throw new InvalidArgumentError(`${field}[${i}]`, 'must be a number');
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`${field}[${i}]`, `must be finite, got ${v}`);
  });
  return [...values];
}

/** A tell whose input passed validation (what the tell batcher starts from). */
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
