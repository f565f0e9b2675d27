import type { ParamValue } from '../../core/distribution.js';
import { InternalError, InvalidArgumentError } from '../../core/errors.js';
import { FIXED_PARAMS_ATTR } from '../../core/sample-params.js';
import type { TrialState } from '../../core/trial.js';
import type { Param } from '../../generated/hpo/v1/distribution.js';
import { type Trial, TrialState as WireTrialState } from '../../generated/hpo/v1/trial.js';
import type { SuggestedParam, TrialRecord } from '../../service/hpo-service.js';
import { distributionToWire } from './distribution.js';
import { attributesToWire } from './json-value.js';
import { paramValueToWire } from './param-value.js';

const STATES = new Map<WireTrialState, TrialState>([
  [WireTrialState.TRIAL_STATE_WAITING, 'WAITING'],
  [WireTrialState.TRIAL_STATE_RUNNING, 'RUNNING'],
  [WireTrialState.TRIAL_STATE_COMPLETE, 'COMPLETE'],
  [WireTrialState.TRIAL_STATE_PRUNED, 'PRUNED'],
  [WireTrialState.TRIAL_STATE_FAIL, 'FAIL'],
]);

/** A trial state; UNSPECIFIED and unknown numbers are errors, and so is a state outside `allowed` when given. */
export function trialStateFromWire(state: WireTrialState, field: string, allowed?: readonly TrialState[]): TrialState {
  const domain = STATES.get(state);
  if (domain === undefined)
    throw new InvalidArgumentError(
      field,
      state === WireTrialState.TRIAL_STATE_UNSPECIFIED ? 'must be set, got TRIAL_STATE_UNSPECIFIED' : `unknown enum value ${state}`,
    );
  if (allowed && !allowed.includes(domain))
    throw new InvalidArgumentError(field, `must be one of ${allowed.map((s) => `TRIAL_STATE_${s}`).join(', ')}, got TRIAL_STATE_${domain}`);
  return domain;
}

export function trialStateToWire(state: TrialState): WireTrialState {
  for (const [wire, domain] of STATES) if (domain === state) return wire;
  throw new InternalError(`unknown trial state ${state}`);
}

export function suggestedParamToWire(p: SuggestedParam): Param {
  return {
    name: p.name,
    distribution: distributionToWire(p.distribution),
    value: paramValueToWire(p.value),
    internalValue: p.internal,
  };
}

/**
 * Params in the order the trial holds its distributions (declaration order). A WAITING trial's enqueued
 * values have no distribution until a worker declares one, so they go out with the distribution unset and,
 * for non-numbers, a NaN internal value (no choice index exists yet).
 */
function paramsToWire(trial: TrialRecord): Param[] {
  const params = Object.entries(trial.distributions).map(([name, distribution]) =>
    suggestedParamToWire({ name, distribution, value: trial.params[name], internal: trial.internalParams[name] }),
  );
  const fixed = (trial.systemAttrs[FIXED_PARAMS_ATTR] ?? {}) as Readonly<Record<string, ParamValue>>;
  const undeclared = { ...fixed, ...trial.params };
  for (const [name, value] of Object.entries(undeclared)) {
    if (Object.prototype.hasOwnProperty.call(trial.distributions, name)) continue;
    params.push({ name, distribution: undefined, value: paramValueToWire(value), internalValue: typeof value === 'number' ? value : NaN });
  }
  return params;
}

export function trialToWire(trial: TrialRecord): Trial {
  return {
    trialId: trial.id,
    studyName: trial.studyName,
    number: trial.number,
    state: trialStateToWire(trial.state),
    params: paramsToWire(trial),
    values: trial.values ? [...trial.values] : [],
    intermediateValues: [...trial.intermediateValues]
      .sort(([a], [b]) => a - b)
      .map(([step, value]) => ({ step, value })),
    constraints: trial.constraints ? [...trial.constraints] : [],
    userAttrs: attributesToWire(trial.userAttrs),
    startedAt: trial.startedAt ?? undefined,
    completedAt: trial.completedAt ?? undefined,
    lastHeartbeatAt: trial.lastHeartbeatAt ?? undefined,
    workerId: trial.workerId ?? '',
    retryOf: trial.retryOf ?? undefined,
  };
}
