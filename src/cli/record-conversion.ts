import type {
  CreateStudyOptions,
  FrozenTrial,
  PrunerOptions,
  SamplerOptions,
  StudyInfo,
} from '@hpo/client';
import type { ParamValue } from '../core/distribution.js';
import { InvalidArgumentError } from '../core/errors.js';
import { FIXED_PARAMS_ATTR } from '../core/sample-params.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';
import type { CreateStudyInput, StudyRecord, TrialRecord } from '../service/hpo-service.js';

// The CLI's direct-storage mode speaks the SDK's types, like its server mode: these turn the service's domain
// records into them (and the SDK's option objects into domain specs), as the wire would.

export function studyInfoOf(record: StudyRecord): StudyInfo {
  const c = record.trialCounts;
  return {
    name: record.name,
    directions: [...record.directions],
    sampler: samplerOptionsOf(record.sampler),
    pruner: prunerOptionsOf(record.pruner),
    seed: record.seed,
    userAttrs: record.userAttrs,
    createdAt: record.createdAt,
    maxTrials: record.maxTrials,
    failurePolicy: { ...record.failurePolicy },
    state: record.state,
    trialCounts: { waiting: c.WAITING, running: c.RUNNING, complete: c.COMPLETE, pruned: c.PRUNED, fail: c.FAIL },
  };
}

export function frozenTrialOf(record: TrialRecord): FrozenTrial {
  const values = record.values ? [...record.values] : null;
  return {
    id: record.id,
    studyName: record.studyName,
    number: record.number,
    state: record.state,
    // As on the wire: a WAITING trial's enqueued values are its params, though no distribution is known yet.
    params: { ...((record.systemAttrs[FIXED_PARAMS_ATTR] ?? {}) as Record<string, ParamValue>), ...record.params },
    distributions: { ...record.distributions },
    values,
    value: values?.[0] ?? null,
    intermediateValues: [...record.intermediateValues].map(([step, value]) => ({ step, value })).sort((a, b) => a.step - b.step),
    constraints: record.constraints ? [...record.constraints] : null,
    userAttrs: record.userAttrs,
    startedAt: record.startedAt,
    completedAt: record.completedAt,
    lastHeartbeatAt: record.lastHeartbeatAt,
    workerId: record.workerId ?? '',
    retryOf: record.retryOf,
  };
}

export function samplerOptionsOf(spec: SamplerSpec | undefined): SamplerOptions | undefined {
  if (!spec) return undefined;
  switch (spec.kind) {
    case 'random':
      return { random: {} };
    case 'grid':
      return { grid: { axes: spec.axes } };
    default:
      return { [spec.kind]: spec.options ?? {} } as SamplerOptions;
  }
}

export function prunerOptionsOf(spec: PrunerSpec | undefined): PrunerOptions | undefined {
  if (!spec) return undefined;
  switch (spec.kind) {
    case 'nop':
      return { nop: {} };
    case 'patient': {
      const { wrapped, ...rest } = spec.options;
      return { patient: { ...rest, ...(wrapped ? { wrapped: prunerOptionsOf(wrapped) } : {}) } };
    }
    default:
      return { [spec.kind]: spec.options ?? {} } as PrunerOptions;
  }
}

function onlyKey(o: object, field: string): string {
  const keys = Object.keys(o);
  if (keys.length !== 1) throw new InvalidArgumentError(field, `must have exactly one kind, got ${JSON.stringify(o)}`);
  return keys[0];
}

export function samplerSpecOf(options: SamplerOptions): SamplerSpec {
  const kind = onlyKey(options, 'sampler');
  const value = (options as Record<string, Record<string, unknown>>)[kind];
  switch (kind) {
    case 'random':
      return { kind: 'random' };
    case 'grid':
      return { kind: 'grid', axes: (value.axes ?? {}) as Extract<SamplerSpec, { kind: 'grid' }>['axes'] };
    case 'tpe':
    case 'gp':
    case 'qmc':
      return { kind, options: value } as SamplerSpec;
    default:
      throw new InvalidArgumentError('sampler', `unknown sampler ${JSON.stringify(kind)}`);
  }
}

export function prunerSpecOf(options: PrunerOptions, field = 'pruner'): PrunerSpec {
  const kind = onlyKey(options, field);
  const value = (options as Record<string, Record<string, unknown>>)[kind];
  switch (kind) {
    case 'nop':
      return { kind: 'nop' };
    case 'patient': {
      const { wrapped, ...rest } = value as { wrapped?: PrunerOptions; patience: number; minDelta?: number };
      return { kind: 'patient', options: { ...rest, ...(wrapped ? { wrapped: prunerSpecOf(wrapped, `${field}.patient.wrapped`) } : {}) } };
    }
    case 'median':
    case 'percentile':
    case 'successiveHalving':
    case 'hyperband':
    case 'threshold':
      return { kind, options: value } as PrunerSpec;
    default:
      throw new InvalidArgumentError(field, `unknown pruner ${JSON.stringify(kind)}`);
  }
}

export function createStudyInputOf(options: CreateStudyOptions): CreateStudyInput {
  return {
    name: options.name,
    directions: options.directions ?? [options.direction ?? 'minimize'],
    sampler: options.sampler ? samplerSpecOf(options.sampler) : undefined,
    pruner: options.pruner ? prunerSpecOf(options.pruner) : undefined,
    seed: options.seed,
    userAttrs: options.userAttrs,
    loadIfExists: options.loadIfExists,
    maxTrials: options.maxTrials,
    failurePolicy: options.failurePolicy,
  };
}
