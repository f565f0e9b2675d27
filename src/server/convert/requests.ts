import type { ParamValue } from '../../core/distribution.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { Json } from '../../core/json.js';
import { FINISHED_STATES, type TrialState } from '../../core/trial.js';
import type {
  AskRequest,
  DeleteStudyRequest,
  EnqueueTrialRequest,
  GetTrialRequest,
  HeartbeatRequest,
  ListStudiesRequest,
  ListTrialsRequest,
  ReportRequest,
  SetStudyUserAttrRequest,
  SetTrialUserAttrRequest,
  SuggestRequest,
  TellAndAskRequest,
  TellRequest,
} from '../../generated/hpo/v1/hpo_service.js';
import { underField } from '../../core/field-prefix.js';
import type { HpoService } from '../../service/hpo-service.js';
import { paramSpecsFromWire, searchSpaceFromWire } from './distribution.js';
import { attributesFromWire, jsonFromWire } from './json-value.js';
import { paramValueFromWire } from './param-value.js';
import { studyNameFromWire } from './study.js';
import { trialStateFromWire } from './trial.js';
import { MAX_NAME_LENGTH, MAX_PARAM_NAME_LENGTH, optionalId, requireFinite, requireName, requireTrialId, requireUnique } from './wire-checks.js';

/** The service's input type for one of its methods. */
type InputOf<M extends keyof HpoService> = Parameters<HpoService[M]>[0];

/**
 * Page tokens are opaque strings the service made; bounding them keeps a garbage token from reaching
 * the database as a multi-megabyte string.
 */
const MAX_PAGE_TOKEN_LENGTH = 1024;

function pageFromWire(pageSize: number, pageToken: string): { pageSize?: number; pageToken?: string } {
  if (pageToken.length > MAX_PAGE_TOKEN_LENGTH) throw new InvalidArgumentError('page_token', 'is not a token this server made');
  return {
    ...(pageSize !== 0 ? { pageSize } : {}),
    ...(pageToken !== '' ? { pageToken } : {}),
  };
}

function withOptional<T extends object>(base: T, extra: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (base as Record<string, unknown>)[k] = v;
  return base;
}

export function listStudiesInputFromWire(req: ListStudiesRequest): InputOf<'listStudies'> {
  return pageFromWire(req.pageSize, req.pageToken);
}

export function deleteStudyInputFromWire(req: DeleteStudyRequest): InputOf<'deleteStudy'> {
  return withOptional({ name: studyNameFromWire(req.studyName) }, { requestId: optionalId(req.requestId, 'request_id') });
}

export function setStudyUserAttrInputFromWire(req: SetStudyUserAttrRequest): InputOf<'setStudyUserAttr'> {
  return {
    studyName: studyNameFromWire(req.studyName),
    key: requireName(req.key, 'key', MAX_NAME_LENGTH),
    value: jsonFromWire(req.value, 'value'),
  };
}

export function askInputFromWire(req: AskRequest): InputOf<'ask'> {
  return withOptional(
    { studyName: studyNameFromWire(req.studyName), searchSpace: searchSpaceFromWire(req.searchSpace, 'search_space') },
    { workerId: optionalId(req.workerId, 'worker_id'), requestId: optionalId(req.requestId, 'request_id') },
  );
}

export function suggestInputFromWire(req: SuggestRequest): InputOf<'suggest'> {
  if (req.params.length === 0) throw new InvalidArgumentError('params', 'at least one parameter is required');
  return withOptional(
    { trialId: requireTrialId(req.trialId, 'trial_id'), params: paramSpecsFromWire(req.params, 'params') },
    { workerId: optionalId(req.workerId, 'worker_id') },
  );
}

export function reportInputFromWire(req: ReportRequest): InputOf<'report'> {
  if (!Number.isSafeInteger(req.step) || req.step < 0) throw new InvalidArgumentError('step', `must be >= 0, got ${req.step}`);
  // NOTE: NaN and ±Infinity are kept as reported (Optuna does too); pruners treat NaN as worst.
  return withOptional(
    { trialId: requireTrialId(req.trialId, 'trial_id'), step: req.step, value: req.value },
    { workerId: optionalId(req.workerId, 'worker_id'), requestId: optionalId(req.requestId, 'request_id') },
  );
}

export function tellInputFromWire(req: TellRequest): InputOf<'tell'> {
  const state = trialStateFromWire(req.state, 'state', FINISHED_STATES);
  const values = req.values.map((v, i) => requireFinite(v, `values[${i}]`));
  const constraints = req.constraints.map((v, i) => requireFinite(v, `constraints[${i}]`));
  if (req.failReason !== '' && state !== 'FAIL')
    throw new InvalidArgumentError('fail_reason', `is only kept for TRIAL_STATE_FAIL, got TRIAL_STATE_${state}`);
  return withOptional(
    { trialId: requireTrialId(req.trialId, 'trial_id'), state },
    {
      values: values.length > 0 || state === 'COMPLETE' ? values : undefined,
      constraints: constraints.length > 0 ? constraints : undefined,
      failReason: req.failReason !== '' ? req.failReason : undefined,
      workerId: optionalId(req.workerId, 'worker_id'),
      requestId: optionalId(req.requestId, 'request_id'),
    },
  );
}

/** Both halves are required; their fields are named under `tell.` and `ask.`. */
export function tellAndAskInputFromWire(req: TellAndAskRequest): InputOf<'tellAndAsk'> {
  if (req.tell === undefined) throw new InvalidArgumentError('tell', 'is required');
  if (req.ask === undefined) throw new InvalidArgumentError('ask', 'is required');
  const { tell, ask } = req;
  return { tell: underField('tell', () => tellInputFromWire(tell)), ask: underField('ask', () => askInputFromWire(ask)) };
}

export function heartbeatInputFromWire(req: HeartbeatRequest): InputOf<'heartbeat'> {
  return withOptional({ trialId: requireTrialId(req.trialId, 'trial_id') }, { workerId: optionalId(req.workerId, 'worker_id') });
}

export function enqueueTrialInputFromWire(req: EnqueueTrialRequest): InputOf<'enqueueTrial'> {
  const params = req.params.map((p, i): [string, ParamValue] => [
    requireName(p.name, `params[${i}].name`, MAX_PARAM_NAME_LENGTH),
    paramValueFromWire(p.value, `params[${i}].value`),
  ]);
  requireUnique(params, ([name]) => name, (i) => `params[${i}].name`, 'parameter name');
  const userAttrs: Record<string, Json> = attributesFromWire(req.userAttrs, 'user_attrs');
  return withOptional(
    { studyName: studyNameFromWire(req.studyName), params: Object.fromEntries(params) },
    {
      userAttrs: Object.keys(userAttrs).length > 0 ? userAttrs : undefined,
      skipIfExists: req.skipIfExists || undefined,
      requestId: optionalId(req.requestId, 'request_id'),
    },
  );
}

export function getTrialInputFromWire(req: GetTrialRequest): InputOf<'getTrial'> {
  if (req.trialId !== 0) {
    if (req.studyName !== '' || req.number !== 0)
      throw new InvalidArgumentError('trial_id', 'give either trial_id, or study_name and number, not both');
    return { trialId: requireTrialId(req.trialId, 'trial_id') };
  }
  // Trial numbers are Postgres integers; a larger uint32 names no trial and must not reach the query.
  if (req.number > 2 ** 31 - 1) throw new InvalidArgumentError('number', `must be at most ${2 ** 31 - 1}, got ${req.number}`);
  return { studyName: studyNameFromWire(req.studyName), number: req.number };
}

export function listTrialsInputFromWire(req: ListTrialsRequest): InputOf<'listTrials'> {
  const states: TrialState[] = req.states.map((s, i) => trialStateFromWire(s, `states[${i}]`));
  return withOptional(
    { studyName: studyNameFromWire(req.studyName), ...pageFromWire(req.pageSize, req.pageToken) },
    { states: states.length > 0 ? [...new Set(states)] : undefined },
  );
}

export function setTrialUserAttrInputFromWire(req: SetTrialUserAttrRequest): InputOf<'setTrialUserAttr'> {
  return {
    trialId: requireTrialId(req.trialId, 'trial_id'),
    key: requireName(req.key, 'key', MAX_NAME_LENGTH),
    value: jsonFromWire(req.value, 'value'),
  };
}
