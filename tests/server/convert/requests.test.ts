import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/generated/hpo/v1/trial.js';
import {
  askInputFromWire,
  enqueueTrialInputFromWire,
  getTrialInputFromWire,
  listTrialsInputFromWire,
  reportInputFromWire,
  suggestInputFromWire,
  tellAndAskInputFromWire,
  tellInputFromWire,
} from '../../../src/server/convert/requests.js';
import { fieldOf } from './field-of.js';

const tell = (overrides: Partial<Parameters<typeof tellInputFromWire>[0]>) =>
  tellInputFromWire({
    trialId: 1,
    state: TrialState.TRIAL_STATE_COMPLETE,
    values: [],
    constraints: [],
    workerId: '',
    requestId: '',
    failReason: '',
    ...overrides,
  });

describe('request conversion', () => {
  it('ask: empty ids are unset, the space keeps its order', () => {
    expect(
      askInputFromWire({
        studyName: 's',
        workerId: '',
        requestId: 'r',
        searchSpace: [{ name: 'x', distribution: { kind: { $case: 'float', value: { low: 0, high: 1, log: false } } } }],
      }),
    ).toEqual({ studyName: 's', requestId: 'r', searchSpace: { x: { kind: 'float', low: 0, high: 1, log: false } } });
    expect(fieldOf(() => askInputFromWire({ studyName: '', workerId: '', requestId: '', searchSpace: [] }))).toBe('study_name');
  });

  it('tell: finite values only, a finished state, fail_reason only with FAIL', () => {
    expect(tell({ values: [1, 2] })).toEqual({ trialId: 1, state: 'COMPLETE', values: [1, 2] });
    expect(tell({ state: TrialState.TRIAL_STATE_FAIL, failReason: 'oom' })).toEqual({ trialId: 1, state: 'FAIL', failReason: 'oom' });
    expect(fieldOf(() => tell({ values: [1, NaN] }))).toBe('values[1]');
    expect(fieldOf(() => tell({ values: [Infinity] }))).toBe('values[0]');
    expect(fieldOf(() => tell({ values: [1], constraints: [-Infinity] }))).toBe('constraints[0]');
    expect(fieldOf(() => tell({ state: TrialState.TRIAL_STATE_RUNNING }))).toBe('state');
    expect(fieldOf(() => tell({ state: TrialState.TRIAL_STATE_UNSPECIFIED }))).toBe('state');
    expect(fieldOf(() => tell({ failReason: 'x' }))).toBe('fail_reason');
    expect(fieldOf(() => tell({ trialId: 0 }))).toBe('trial_id');
  });

  it('tell and ask: both halves required, each converted as alone, fields named under tell. and ask.', () => {
    const wireTell = { trialId: 1, state: TrialState.TRIAL_STATE_COMPLETE, values: [0.5], constraints: [], workerId: 'w', requestId: 't', failReason: '' };
    const wireAsk = { studyName: 's', workerId: 'w', requestId: 'a', searchSpace: [] };
    expect(tellAndAskInputFromWire({ tell: wireTell, ask: wireAsk })).toEqual({
      tell: { trialId: 1, state: 'COMPLETE', values: [0.5], workerId: 'w', requestId: 't' },
      ask: { studyName: 's', searchSpace: {}, workerId: 'w', requestId: 'a' },
    });
    expect(fieldOf(() => tellAndAskInputFromWire({ ask: wireAsk }))).toBe('tell');
    expect(fieldOf(() => tellAndAskInputFromWire({ tell: wireTell }))).toBe('ask');
    expect(fieldOf(() => tellAndAskInputFromWire({ tell: { ...wireTell, values: [1, NaN] }, ask: wireAsk }))).toBe('tell.values[1]');
    expect(fieldOf(() => tellAndAskInputFromWire({ tell: wireTell, ask: { ...wireAsk, studyName: '' } }))).toBe('ask.study_name');
  });

  it('report: keeps NaN values, rejects negative steps', () => {
    expect(reportInputFromWire({ trialId: 1, step: 0, value: NaN, workerId: '', requestId: '' }).value).toBeNaN();
    expect(fieldOf(() => reportInputFromWire({ trialId: 1, step: -1, value: 0, workerId: '', requestId: '' }))).toBe('step');
  });

  it('suggest: at least one param, names unique', () => {
    const p = { name: 'x', distribution: { kind: { $case: 'int' as const, value: { low: 0, high: 3, log: false } } } };
    expect(suggestInputFromWire({ trialId: 5, params: [p], workerId: '' }).params).toEqual([
      { name: 'x', distribution: { kind: 'int', low: 0, high: 3, log: false, step: 1 } },
    ]);
    expect(fieldOf(() => suggestInputFromWire({ trialId: 5, params: [], workerId: '' }))).toBe('params');
    expect(fieldOf(() => suggestInputFromWire({ trialId: 5, params: [p, p], workerId: '' }))).toBe('params[1].name');
  });

  it('enqueue: fixed values by name, unset values and duplicates named', () => {
    expect(
      enqueueTrialInputFromWire({
        studyName: 's',
        params: [{ name: 'x', value: { kind: { $case: 'numberValue', value: 2 } } }],
        userAttrs: [],
        requestId: '',
        skipIfExists: false,
      }),
    ).toEqual({ studyName: 's', params: { x: 2 } });
    expect(
      fieldOf(() =>
        enqueueTrialInputFromWire({ studyName: 's', params: [{ name: 'x', value: undefined }], userAttrs: [], requestId: '', skipIfExists: false }),
      ),
    ).toBe('params[0].value');
  });

  it('get trial: by id or by study and number, not both', () => {
    expect(getTrialInputFromWire({ trialId: 9, studyName: '', number: 0 })).toEqual({ trialId: 9 });
    expect(getTrialInputFromWire({ trialId: 0, studyName: 's', number: 0 })).toEqual({ studyName: 's', number: 0 });
    expect(fieldOf(() => getTrialInputFromWire({ trialId: 9, studyName: 's', number: 0 }))).toBe('trial_id');
  });

  it('list trials: states deduplicated, UNSPECIFIED rejected', () => {
    expect(
      listTrialsInputFromWire({
        studyName: 's',
        states: [TrialState.TRIAL_STATE_COMPLETE, TrialState.TRIAL_STATE_COMPLETE],
        pageSize: 10,
        pageToken: '',
      }),
    ).toEqual({ studyName: 's', states: ['COMPLETE'], pageSize: 10 });
    expect(
      fieldOf(() => listTrialsInputFromWire({ studyName: 's', states: [TrialState.TRIAL_STATE_UNSPECIFIED], pageSize: 0, pageToken: '' })),
    ).toBe('states[0]');
  });
});
