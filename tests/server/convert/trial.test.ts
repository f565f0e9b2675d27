import { describe, expect, it } from 'vitest';
import { FIXED_PARAMS_ATTR } from '../../../src/core/sample-params.js';
import { NullValue } from '../../../src/generated/google/protobuf/struct.js';
import { TrialState } from '../../../src/generated/hpo/v1/trial.js';
import type { TrialRecord } from '../../../src/service/hpo-service.js';
import { trialStateFromWire, trialToWire } from '../../../src/server/convert/trial.js';
import { fieldOf } from './field-of.js';

const base: TrialRecord = {
  id: 11,
  number: 3,
  state: 'COMPLETE',
  params: {},
  internalParams: {},
  distributions: {},
  values: null,
  intermediateValues: new Map(),
  constraints: null,
  userAttrs: {},
  systemAttrs: {},
  startedAt: null,
  completedAt: null,
  studyName: 's',
  lastHeartbeatAt: null,
  workerId: null,
  retryOf: null,
};

describe('trialToWire', () => {
  it('lists params with distribution, value and internal value, in declaration order', () => {
    const trial = trialToWire({
      ...base,
      params: { opt: 'adam', lr: 0.01, layers: 3, dropout: null },
      internalParams: { opt: 1, lr: 0.01, layers: 3, dropout: 0 },
      distributions: {
        lr: { kind: 'float', low: 1e-4, high: 1, log: true },
        opt: { kind: 'categorical', choices: ['sgd', 'adam'] },
        layers: { kind: 'int', low: 1, high: 5, log: false, step: 1 },
        dropout: { kind: 'categorical', choices: [null, 0.5] },
      },
    });
    expect(trial.params.map((p) => p.name)).toEqual(['lr', 'opt', 'layers', 'dropout']);
    expect(trial.params[1]).toEqual({
      name: 'opt',
      distribution: {
        kind: {
          $case: 'categorical',
          value: { choices: [{ kind: { $case: 'stringValue', value: 'sgd' } }, { kind: { $case: 'stringValue', value: 'adam' } }] },
        },
      },
      value: { kind: { $case: 'stringValue', value: 'adam' } },
      internalValue: 1,
    });
    expect(trial.params[0].value).toEqual({ kind: { $case: 'numberValue', value: 0.01 } });
    expect(trial.params[3].value).toEqual({ kind: { $case: 'nullValue', value: NullValue.NULL_VALUE } });
  });

  it('writes values, intermediate values by step, constraints, times, worker and retry', () => {
    const started = new Date('2026-11-26T10:00:00Z');
    const trial = trialToWire({
      ...base,
      values: [0.5, 2],
      intermediateValues: new Map([
        [5, 0.7],
        [1, 0.9],
      ]),
      constraints: [-1],
      userAttrs: { note: 'x' },
      startedAt: started,
      completedAt: started,
      lastHeartbeatAt: started,
      workerId: 'w1',
      retryOf: 2,
    });
    expect(trial).toMatchObject({
      trialId: 11,
      studyName: 's',
      number: 3,
      state: TrialState.TRIAL_STATE_COMPLETE,
      values: [0.5, 2],
      intermediateValues: [
        { step: 1, value: 0.9 },
        { step: 5, value: 0.7 },
      ],
      constraints: [-1],
      userAttrs: [{ key: 'note', value: 'x' }],
      startedAt: started,
      workerId: 'w1',
      retryOf: 2,
    });
    expect(trialToWire(base)).toMatchObject({ values: [], constraints: [], workerId: '', retryOf: undefined, startedAt: undefined });
  });

  it("shows a waiting trial's enqueued values with the distribution unset", () => {
    const trial = trialToWire({ ...base, state: 'WAITING', systemAttrs: { [FIXED_PARAMS_ATTR]: { lr: 0.1, opt: 'sgd' } } });
    expect(trial.params).toEqual([
      { name: 'lr', distribution: undefined, value: { kind: { $case: 'numberValue', value: 0.1 } }, internalValue: 0.1 },
      { name: 'opt', distribution: undefined, value: { kind: { $case: 'stringValue', value: 'sgd' } }, internalValue: NaN },
    ]);
  });
});

describe('trialStateFromWire', () => {
  it('rejects UNSPECIFIED, unknown numbers and states outside the allowed ones', () => {
    expect(trialStateFromWire(TrialState.TRIAL_STATE_PRUNED, 'state')).toBe('PRUNED');
    expect(fieldOf(() => trialStateFromWire(TrialState.TRIAL_STATE_UNSPECIFIED, 'state'))).toBe('state');
    expect(fieldOf(() => trialStateFromWire(42 as TrialState, 'states[1]'))).toBe('states[1]');
    expect(fieldOf(() => trialStateFromWire(TrialState.TRIAL_STATE_RUNNING, 'state', ['COMPLETE', 'FAIL']))).toBe('state');
  });
});
