// The one place where wire messages (ts-proto output) become the SDK's plain types, and back.
import { NullValue } from './generated/google/protobuf/struct.js';
import type {
  Attribute,
  Distribution as WireDistribution,
  Param as WireParam,
  ParamSpec,
  ParamValue as WireParamValue,
} from './generated/hpo/v1/distribution.js';
import { PrunerSpec } from './generated/hpo/v1/pruner.js';
import {
  GpSamplerOptions,
  QmcSequence,
  type SamplerSpec,
  TpeBandwidth,
  TpeGamma,
  TpeSamplerOptions,
  TpeWeights,
} from './generated/hpo/v1/sampler.js';
import { Direction as WireDirection, StudyState, type Study } from './generated/hpo/v1/study.js';
import { TrialState as WireTrialState, type Trial } from './generated/hpo/v1/trial.js';
import { InvalidArgument } from './errors.js';
import type {
  Direction,
  Distribution,
  FrozenTrial,
  GpOptions,
  Json,
  ParamValue,
  PatientOptions,
  PrunerOptions,
  QmcOptions,
  SamplerOptions,
  SearchSpace,
  StudyInfo,
  TpeOptions,
  TrialState,
} from './types.js';

/** An SDK-side usage error, shaped like the server's so callers handle both alike. */
export function usageError(field: string, message: string): InvalidArgument {
  return new InvalidArgument('INVALID_ARGUMENT', `${field}: ${message}`);
}

export function directionToWire(d: Direction, field: string): WireDirection {
  if (d === 'minimize') return WireDirection.DIRECTION_MINIMIZE;
  if (d === 'maximize') return WireDirection.DIRECTION_MAXIMIZE;
  throw usageError(field, `must be 'minimize' or 'maximize', got ${JSON.stringify(d)}`);
}

export function directionFromWire(d: WireDirection): Direction {
  return d === WireDirection.DIRECTION_MAXIMIZE ? 'maximize' : 'minimize';
}

const TRIAL_STATES: ReadonlyArray<[TrialState, WireTrialState]> = [
  ['WAITING', WireTrialState.TRIAL_STATE_WAITING],
  ['RUNNING', WireTrialState.TRIAL_STATE_RUNNING],
  ['COMPLETE', WireTrialState.TRIAL_STATE_COMPLETE],
  ['PRUNED', WireTrialState.TRIAL_STATE_PRUNED],
  ['FAIL', WireTrialState.TRIAL_STATE_FAIL],
];

export function trialStateToWire(s: TrialState, field = 'state'): WireTrialState {
  const found = TRIAL_STATES.find(([name]) => name === s);
  if (!found) throw usageError(field, `must be one of ${TRIAL_STATES.map(([n]) => n).join(', ')}, got ${JSON.stringify(s)}`);
  return found[1];
}

export function trialStateFromWire(s: WireTrialState): TrialState {
  return TRIAL_STATES.find(([, wire]) => wire === s)?.[0] ?? 'FAIL';
}

export function paramValueToWire(v: ParamValue, field: string): WireParamValue {
  if (v === null) return { kind: { $case: 'nullValue', value: NullValue.NULL_VALUE } };
  switch (typeof v) {
    case 'number':
      return { kind: { $case: 'numberValue', value: v } };
    case 'string':
      return { kind: { $case: 'stringValue', value: v } };
    case 'boolean':
      return { kind: { $case: 'boolValue', value: v } };
    default:
      throw usageError(field, `must be a number, string, boolean or null, got ${typeof v}`);
  }
}

export function paramValueFromWire(v: WireParamValue | undefined): ParamValue {
  const kind = v?.kind;
  if (!kind || kind.$case === 'nullValue') return null;
  return kind.value;
}

export function distributionToWire(d: Distribution, field: string): WireDistribution {
  switch (d?.kind) {
    case 'float':
      return { kind: { $case: 'float', value: { low: d.low, high: d.high, log: d.log ?? false, step: d.step } } };
    case 'int':
      return { kind: { $case: 'int', value: { low: d.low, high: d.high, log: d.log ?? false, step: d.step } } };
    case 'categorical':
      return {
        kind: {
          $case: 'categorical',
          value: { choices: d.choices.map((c, i) => paramValueToWire(c, `${field}.choices[${i}]`)) },
        },
      };
    default:
      throw usageError(field, `kind must be 'float', 'int' or 'categorical', got ${JSON.stringify((d as { kind?: unknown })?.kind)}`);
  }
}

export function distributionFromWire(d: WireDistribution | undefined): Distribution {
  const kind = d?.kind;
  switch (kind?.$case) {
    case 'float': {
      const { low, high, log, step } = kind.value;
      return step === undefined ? { kind: 'float', low, high, log } : { kind: 'float', low, high, log, step };
    }
    case 'int': {
      const { low, high, log, step } = kind.value;
      return { kind: 'int', low, high, log, step: step ?? 1 };
    }
    case 'categorical':
      return { kind: 'categorical', choices: kind.value.choices.map(paramValueFromWire) };
    default:
      return { kind: 'categorical', choices: [] };
  }
}

/** Two distributions are the same when they would be stored the same (defaults filled in). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.kind === 'categorical' || b.kind === 'categorical') {
    if (a.kind !== 'categorical' || b.kind !== 'categorical' || a.choices.length !== b.choices.length) return false;
    return a.choices.every((c, i) => c === b.choices[i]);
  }
  const defaultStep = a.kind === 'int' ? 1 : undefined;
  return (
    a.kind === b.kind &&
    a.low === b.low &&
    a.high === b.high &&
    (a.log ?? false) === (b.log ?? false) &&
    (a.step ?? defaultStep) === (b.step ?? defaultStep)
  );
}

export function searchSpaceToWire(space: SearchSpace | undefined): ParamSpec[] {
  return Object.entries(space ?? {}).map(([name, d]) => ({
    name,
    distribution: distributionToWire(d, `searchSpace.${name}`),
  }));
}

export function attrsToWire(attrs: Readonly<Record<string, Json>> | undefined): Attribute[] {
  return Object.entries(attrs ?? {}).map(([key, value]) => ({ key, value }));
}

export function attrsFromWire(attrs: readonly Attribute[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const a of attrs) out[a.key] = (a.value ?? null) as Json;
  return out;
}

export function paramsFromWire(params: readonly WireParam[]): {
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
} {
  const out = { params: {} as Record<string, ParamValue>, distributions: {} as Record<string, Distribution> };
  for (const p of params) {
    out.params[p.name] = paramValueFromWire(p.value);
    // Enqueued (WAITING) trials have fixed values whose distribution is only known once the trial suggests them.
    if (p.distribution?.kind) out.distributions[p.name] = distributionFromWire(p.distribution);
  }
  return out;
}

export function trialFromWire(t: Trial): FrozenTrial {
  const { params, distributions } = paramsFromWire(t.params);
  const values = t.values.length > 0 ? [...t.values] : null;
  return {
    id: t.trialId,
    studyName: t.studyName,
    number: t.number,
    state: trialStateFromWire(t.state),
    params,
    distributions,
    values,
    value: values?.[0] ?? null,
    intermediateValues: [...t.intermediateValues]
      .map(({ step, value }) => ({ step, value }))
      .sort((a, b) => a.step - b.step),
    constraints: t.constraints.length > 0 ? [...t.constraints] : null,
    userAttrs: attrsFromWire(t.userAttrs),
    startedAt: t.startedAt ?? null,
    completedAt: t.completedAt ?? null,
    lastHeartbeatAt: t.lastHeartbeatAt ?? null,
    workerId: t.workerId,
    retryOf: t.retryOf ?? null,
  };
}

export function studyFromWire(s: Study): StudyInfo {
  const counts = s.trialCounts;
  return {
    name: s.name,
    directions: s.directions.map(directionFromWire),
    sampler: s.sampler ? samplerFromWire(s.sampler) : undefined,
    pruner: s.pruner ? prunerFromWire(s.pruner) : undefined,
    seed: s.seed,
    userAttrs: attrsFromWire(s.userAttrs),
    createdAt: s.createdAt ?? null,
    maxTrials: s.maxTrials ?? null,
    failurePolicy: {
      heartbeatGraceSeconds: s.failurePolicy?.heartbeatGraceSeconds ?? 60,
      maxRetries: s.failurePolicy?.maxRetries ?? 0,
      countFailedTrials: s.failurePolicy?.countFailedTrials ?? false,
    },
    state: s.state === StudyState.STUDY_STATE_DONE ? 'DONE' : 'RUNNING',
    trialCounts: {
      waiting: counts?.waiting ?? 0,
      running: counts?.running ?? 0,
      complete: counts?.complete ?? 0,
      pruned: counts?.pruned ?? 0,
      fail: counts?.fail ?? 0,
    },
  };
}

/** The single key of a `{ kind: options }` object, checked. */
function onlyKey<K extends string>(o: object | undefined, allowed: readonly K[], field: string): K {
  const keys = o && typeof o === 'object' ? Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined) : [];
  if (keys.length !== 1 || !allowed.includes(keys[0] as K))
    throw usageError(field, `must be an object with exactly one of ${allowed.join(', ')}, got ${JSON.stringify(o)}`);
  return keys[0] as K;
}

const SAMPLER_KINDS = ['random', 'grid', 'tpe', 'gp', 'qmc'] as const;

const TPE_GAMMA: ReadonlyArray<[NonNullable<TpeOptions['gamma']>, TpeGamma]> = [
  ['optuna', TpeGamma.TPE_GAMMA_OPTUNA],
  ['hyperopt', TpeGamma.TPE_GAMMA_HYPEROPT],
  ['fraction', TpeGamma.TPE_GAMMA_FRACTION],
];
const TPE_WEIGHTS: ReadonlyArray<[NonNullable<TpeOptions['weights']>, TpeWeights]> = [
  ['optuna', TpeWeights.TPE_WEIGHTS_OPTUNA],
  ['uniform', TpeWeights.TPE_WEIGHTS_UNIFORM],
];
const TPE_BANDWIDTH: ReadonlyArray<[NonNullable<TpeOptions['bandwidth']>, TpeBandwidth]> = [
  ['optuna', TpeBandwidth.TPE_BANDWIDTH_OPTUNA],
  ['spread', TpeBandwidth.TPE_BANDWIDTH_SPREAD],
];
const QMC_SEQUENCES: ReadonlyArray<['sobol' | 'halton', QmcSequence]> = [
  ['sobol', QmcSequence.QMC_SEQUENCE_SOBOL],
  ['halton', QmcSequence.QMC_SEQUENCE_HALTON],
];

function enumToWire<S extends string, W>(table: ReadonlyArray<[S, W]>, value: S | undefined, unset: W, field: string): W {
  if (value === undefined) return unset;
  const found = table.find(([name]) => name === value);
  if (!found) throw usageError(field, `must be one of ${table.map(([n]) => n).join(', ')}, got ${JSON.stringify(value)}`);
  return found[1];
}

function enumFromWire<S extends string, W>(table: ReadonlyArray<[S, W]>, value: W): S | undefined {
  return table.find(([, wire]) => wire === value)?.[0];
}

/** Drops undefined fields, so options read back from the server print as the user wrote them. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function samplerToWire(options: SamplerOptions): SamplerSpec {
  const kind = onlyKey(options, SAMPLER_KINDS, 'sampler');
  const o = options as Record<string, Record<string, unknown>>;
  switch (kind) {
    case 'random':
      return { kind: { $case: 'random', value: {} } };
    case 'grid': {
      const axes = (o.grid.axes ?? {}) as Record<string, readonly ParamValue[]>;
      return {
        kind: {
          $case: 'grid',
          value: {
            axes: Object.entries(axes).map(([name, values]) => ({
              name,
              values: values.map((v, i) => paramValueToWire(v, `sampler.grid.axes.${name}[${i}]`)),
            })),
          },
        },
      };
    }
    case 'tpe': {
      const { gamma, weights, bandwidth, ...rest } = o.tpe as TpeOptions;
      return {
        kind: {
          $case: 'tpe',
          value: TpeSamplerOptions.fromPartial({
            ...rest,
            gamma: enumToWire(TPE_GAMMA, gamma, TpeGamma.TPE_GAMMA_UNSPECIFIED, 'sampler.tpe.gamma'),
            weights: enumToWire(TPE_WEIGHTS, weights, TpeWeights.TPE_WEIGHTS_UNSPECIFIED, 'sampler.tpe.weights'),
            bandwidth: enumToWire(TPE_BANDWIDTH, bandwidth, TpeBandwidth.TPE_BANDWIDTH_UNSPECIFIED, 'sampler.tpe.bandwidth'),
          }),
        },
      };
    }
    case 'gp':
      return { kind: { $case: 'gp', value: GpSamplerOptions.fromPartial(o.gp as GpOptions) } };
    case 'qmc': {
      const { sequence, scramble } = o.qmc as QmcOptions;
      return {
        kind: {
          $case: 'qmc',
          value: {
            sequence: enumToWire(QMC_SEQUENCES, sequence, QmcSequence.QMC_SEQUENCE_UNSPECIFIED, 'sampler.qmc.sequence'),
            scramble,
          },
        },
      };
    }
  }
}

export function samplerFromWire(spec: SamplerSpec): SamplerOptions | undefined {
  const kind = spec.kind;
  switch (kind?.$case) {
    case 'random':
      return { random: {} };
    case 'grid':
      return {
        grid: { axes: Object.fromEntries(kind.value.axes.map((a) => [a.name, a.values.map(paramValueFromWire)])) },
      };
    case 'tpe': {
      const { gamma, weights, bandwidth, ...rest } = kind.value;
      return {
        tpe: defined({
          ...rest,
          gamma: enumFromWire(TPE_GAMMA, gamma),
          weights: enumFromWire(TPE_WEIGHTS, weights),
          bandwidth: enumFromWire(TPE_BANDWIDTH, bandwidth),
        }),
      };
    }
    case 'gp':
      return { gp: defined({ ...kind.value }) };
    case 'qmc':
      return { qmc: defined({ sequence: enumFromWire(QMC_SEQUENCES, kind.value.sequence), scramble: kind.value.scramble }) };
    default:
      return undefined;
  }
}

const PRUNER_KINDS = ['nop', 'median', 'percentile', 'successiveHalving', 'hyperband', 'threshold', 'patient'] as const;

export function prunerToWire(options: PrunerOptions, field = 'pruner'): PrunerSpec {
  const kind = onlyKey(options, PRUNER_KINDS, field);
  const value = (options as Record<string, Record<string, unknown>>)[kind];
  if (kind === 'patient') {
    const { wrapped, patience, minDelta } = value as unknown as PatientOptions;
    return {
      kind: {
        $case: 'patient',
        value: { patience, minDelta, wrapped: wrapped ? prunerToWire(wrapped, `${field}.patient.wrapped`) : undefined },
      },
    };
  }
  return PrunerSpec.fromPartial({ kind: { $case: kind, value } as never });
}

export function prunerFromWire(spec: PrunerSpec): PrunerOptions | undefined {
  const kind = spec.kind;
  if (!kind) return undefined;
  if (kind.$case === 'patient') {
    const { wrapped, patience, minDelta } = kind.value;
    const inner = wrapped ? prunerFromWire(wrapped) : undefined;
    return { patient: defined({ patience, minDelta, wrapped: inner }) };
  }
  return { [kind.$case]: defined({ ...kind.value }) } as PrunerOptions;
}
