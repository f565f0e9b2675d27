import { InvalidArgumentError } from '../../core/errors.js';
import type { Direction } from '../../core/study.js';
import type { TrialState } from '../../core/trial.js';
import type { CreateStudyRequest } from '../../generated/hpo/v1/hpo_service.js';
import {
  Direction as WireDirection,
  type FailurePolicy as WireFailurePolicy,
  type Study,
  StudyState,
  type TrialCounts,
} from '../../generated/hpo/v1/study.js';
import type { CreateStudyInput, FailurePolicy, StudyRecord } from '../../service/hpo-service.js';
import { compact } from './compact.js';
import { attributesFromWire, attributesToWire } from './json-value.js';
import { prunerSpecFromWire, prunerSpecToWire } from './pruner-spec.js';
import { samplerSpecFromWire, samplerSpecToWire } from './sampler-spec.js';
import { MAX_NAME_LENGTH, optionalId, requireName } from './wire-checks.js';
import { LIMITS } from '../../service/limits.js';

/** The service's limit, checked here too so the wire field is named (`directions`). */
export const MAX_OBJECTIVES = LIMITS.objectives;

export function studyNameFromWire(name: string, field = 'study_name'): string {
  return requireName(name, field, MAX_NAME_LENGTH);
}

export function directionFromWire(d: WireDirection, field: string): Direction {
  switch (d) {
    case WireDirection.DIRECTION_MINIMIZE:
      return 'minimize';
    case WireDirection.DIRECTION_MAXIMIZE:
      return 'maximize';
    case WireDirection.DIRECTION_UNSPECIFIED:
      throw new InvalidArgumentError(field, 'must be DIRECTION_MINIMIZE or DIRECTION_MAXIMIZE, got DIRECTION_UNSPECIFIED');
    default:
      throw new InvalidArgumentError(field, `unknown enum value ${d}`);
  }
}

export function directionToWire(d: Direction): WireDirection {
  return d === 'minimize' ? WireDirection.DIRECTION_MINIMIZE : WireDirection.DIRECTION_MAXIMIZE;
}

export function directionsFromWire(directions: readonly WireDirection[], field: string): Direction[] {
  if (directions.length === 0) throw new InvalidArgumentError(field, 'at least one direction is required');
  if (directions.length > MAX_OBJECTIVES)
    throw new InvalidArgumentError(field, `at most ${MAX_OBJECTIVES} objectives, got ${directions.length}`);
  return directions.map((d, i) => directionFromWire(d, `${field}[${i}]`));
}

function failurePolicyFromWire(p: WireFailurePolicy | undefined): Partial<FailurePolicy> | undefined {
  if (p === undefined) return undefined;
  return compact({ heartbeatGraceSeconds: p.heartbeatGraceSeconds, maxRetries: p.maxRetries, countFailedTrials: p.countFailedTrials });
}

export function createStudyInputFromWire(req: CreateStudyRequest): CreateStudyInput {
  return compact({
    name: studyNameFromWire(req.name, 'name'),
    directions: directionsFromWire(req.directions, 'directions'),
    sampler: samplerSpecFromWire(req.sampler, 'sampler'),
    pruner: prunerSpecFromWire(req.pruner, 'pruner'),
    seed: req.seed,
    userAttrs: attributesFromWire(req.userAttrs, 'user_attrs'),
    loadIfExists: req.loadIfExists,
    maxTrials: req.maxTrials,
    failurePolicy: failurePolicyFromWire(req.failurePolicy),
    requestId: optionalId(req.requestId, 'request_id'),
  });
}

function trialCountsToWire(counts: Readonly<Record<TrialState, number>>): TrialCounts {
  return {
    waiting: counts.WAITING ?? 0,
    running: counts.RUNNING ?? 0,
    complete: counts.COMPLETE ?? 0,
    pruned: counts.PRUNED ?? 0,
    fail: counts.FAIL ?? 0,
  };
}

export function studyToWire(study: StudyRecord): Study {
  return {
    name: study.name,
    directions: study.directions.map(directionToWire),
    sampler: samplerSpecToWire(study.sampler),
    pruner: prunerSpecToWire(study.pruner),
    seed: study.seed,
    userAttrs: attributesToWire(study.userAttrs),
    createdAt: study.createdAt,
    maxTrials: study.maxTrials ?? undefined,
    failurePolicy: {
      heartbeatGraceSeconds: study.failurePolicy.heartbeatGraceSeconds,
      maxRetries: study.failurePolicy.maxRetries,
      countFailedTrials: study.failurePolicy.countFailedTrials,
    },
    state: study.state === 'DONE' ? StudyState.STUDY_STATE_DONE : StudyState.STUDY_STATE_RUNNING,
    trialCounts: trialCountsToWire(study.trialCounts),
  };
}
