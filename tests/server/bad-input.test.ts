import { status as Status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AskRequest, TellRequest } from '../../src/generated/hpo/v1/hpo_service.js';
import { Direction } from '../../src/generated/hpo/v1/study.js';
import { TrialState } from '../../src/generated/hpo/v1/trial.js';
import { rejectionOf } from '../support/grpc-client.js';
import { describeStores, type TestStore } from '../support/test-database.js';
import { catDist, createRequest, floatDist, intDist, serveStore, type ServedStore, snapshot, spec, value } from './e2e-support.js';

/**
 * Issue 2, item 7: every bad input is answered with the right status and a message naming the field, and
 * the stored study is exactly as before. Each case runs against a study holding one finished trial and one
 * running trial, so "unchanged" covers trials, not only the study row.
 */
const MAX_MESSAGE_BYTES = 256 * 1024;

describeStores('bad input over gRPC', (stores) => {
  let store: TestStore;
  let served: ServedStore;
  let finishedId = 0;
  let runningId = 0;
  const STUDY = 'guarded';

  const ask = (searchSpace: AskRequest['searchSpace'], studyName = STUDY) =>
    served.hpo.ask({ studyName, searchSpace, workerId: '', requestId: '' });
  const tell = (overrides: Partial<TellRequest>) =>
    served.hpo.tell({
      trialId: runningId,
      state: TrialState.TRIAL_STATE_COMPLETE,
      values: [1],
      constraints: [],
      workerId: '',
      requestId: '',
      failReason: '',
      ...overrides,
    });

  beforeAll(async () => {
    store = await stores.open();
    served = await serveStore(store, { maxMessageBytes: MAX_MESSAGE_BYTES });
    await served.hpo.createStudy(createRequest(STUDY));
    const first = await ask([spec('x', floatDist(0, 1))]);
    finishedId = first.trial!.trialId;
    await served.hpo.report({ trialId: finishedId, step: 0, value: 0.5, workerId: '', requestId: '' });
    await tell({ trialId: finishedId, values: [0.5] });
    runningId = (await ask([spec('x', floatDist(0, 1))])).trial!.trialId;
    await served.hpo.report({ trialId: runningId, step: 0, value: 0.7, workerId: '', requestId: '' });
  });
  afterAll(async () => {
    await served?.close();
    await store?.close();
  });

  /** Runs a call that must fail; checks the code, that the message names `field`, and that nothing changed. */
  async function expectRefused(call: () => Promise<unknown>, code: Status, field: string | RegExp) {
    const before = await snapshot(served.hpo, STUDY);
    const error = await rejectionOf(call());
    expect(Status[error.code]).toBe(Status[code]);
    if (typeof field === 'string') expect(error.details).toContain(field);
    else expect(error.details).toMatch(field);
    expect(await snapshot(served.hpo, STUDY)).toEqual(before);
    return error;
  }

  it('unknown study', async () => {
    await expectRefused(() => ask([], 'no-such-study'), Status.NOT_FOUND, 'no-such-study');
    await expectRefused(() => served.hpo.getBestTrials({ studyName: 'no-such-study' }), Status.NOT_FOUND, 'no-such-study');
  });

  it('unknown trial', async () => {
    await expectRefused(() => tell({ trialId: 987_654_321 }), Status.NOT_FOUND, '987654321');
    await expectRefused(
      () => served.hpo.report({ trialId: 987_654_321, step: 1, value: 0, workerId: '', requestId: '' }),
      Status.NOT_FOUND,
      '987654321',
    );
  });

  it('tell on a finished trial', async () => {
    await expectRefused(() => tell({ trialId: finishedId, values: [0.1] }), Status.FAILED_PRECONDITION, /finished|COMPLETE/);
  });

  it('report after tell', async () => {
    await expectRefused(
      () => served.hpo.report({ trialId: finishedId, step: 1, value: 0.3, workerId: '', requestId: '' }),
      Status.FAILED_PRECONDITION,
      /COMPLETE|finished/,
    );
  });

  it('NaN or Infinity where a number is required', async () => {
    await expectRefused(() => tell({ values: [NaN] }), Status.INVALID_ARGUMENT, 'values[0]');
    await expectRefused(() => tell({ values: [Infinity] }), Status.INVALID_ARGUMENT, 'values[0]');
    await expectRefused(() => tell({ values: [1], constraints: [NaN] }), Status.INVALID_ARGUMENT, 'constraints[0]');
    await expectRefused(() => ask([spec('x', floatDist(-Infinity, 1))]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.float.low');
    await expectRefused(() => ask([spec('x', floatDist(0, NaN))]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.float.high');
    await expectRefused(() => ask([spec('c', catDist(1, NaN))]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.categorical.choices[1]');
  });

  it('low > high', async () => {
    await expectRefused(() => ask([spec('a', floatDist(0, 1)), spec('x', floatDist(2, 1))]), Status.INVALID_ARGUMENT, 'search_space[1].distribution.float.low');
    await expectRefused(() => ask([spec('n', intDist(5, 1))]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.int.low');
  });

  it('log with low <= 0', async () => {
    await expectRefused(() => ask([spec('x', floatDist(0, 1, { log: true }))]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.float.low');
    await expectRefused(() => ask([spec('n', intDist(0, 10, { log: true }))]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.int.low');
  });

  it('step not dividing the range', async () => {
    await expectRefused(() => ask([spec('x', floatDist(0, 1, { step: 0.3 }))]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.float.step');
    await expectRefused(() => ask([spec('n', intDist(0, 10, { step: 3 }))]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.int.step');
  });

  it('empty categorical choices, unset distributions and duplicate names', async () => {
    await expectRefused(() => ask([spec('c', catDist())]), Status.INVALID_ARGUMENT, 'search_space[0].distribution.categorical.choices');
    await expectRefused(() => ask([{ name: 'x', distribution: undefined }]), Status.INVALID_ARGUMENT, 'search_space[0].distribution');
    await expectRefused(() => ask([spec('x', floatDist(0, 1)), spec('x', floatDist(0, 1))]), Status.INVALID_ARGUMENT, 'search_space[1].name');
  });

  it('enqueued params outside the declared distribution', async () => {
    await served.hpo.createStudy(createRequest('guarded-queue'));
    await served.hpo.enqueueTrial({ studyName: 'guarded-queue', params: [{ name: 'x', value: value(5) }], userAttrs: [], requestId: '', skipIfExists: false });
    const before = await snapshot(served.hpo, 'guarded-queue');
    const error = await rejectionOf(ask([spec('x', floatDist(0, 1))], 'guarded-queue'));
    expect(Status[error.code]).toBe(Status[Status.INVALID_ARGUMENT]);
    expect(error.details).toContain('x');
    expect(error.details).toMatch(/enqueued/);
    expect(await snapshot(served.hpo, 'guarded-queue')).toEqual(before);
  });

  it('wrong number of values for the objectives', async () => {
    await expectRefused(() => tell({ values: [1, 2] }), Status.INVALID_ARGUMENT, 'values');
    await expectRefused(() => tell({ values: [] }), Status.INVALID_ARGUMENT, 'values');
  });

  it('names too long', async () => {
    await expectRefused(() => served.hpo.createStudy(createRequest('s'.repeat(257))), Status.INVALID_ARGUMENT, 'name');
    await expectRefused(() => ask([spec('p'.repeat(129), floatDist(0, 1))]), Status.INVALID_ARGUMENT, 'search_space[0].name');
    await expectRefused(
      () => served.hpo.setTrialUserAttr({ trialId: runningId, key: 'k'.repeat(257), value: 1 }),
      Status.INVALID_ARGUMENT,
      'key',
    );
  });

  it('unset enums', async () => {
    await expectRefused(
      () => served.hpo.createStudy(createRequest('enum', { directions: [Direction.DIRECTION_MINIMIZE, Direction.DIRECTION_UNSPECIFIED] })),
      Status.INVALID_ARGUMENT,
      'directions[1]',
    );
    await expectRefused(() => tell({ state: TrialState.TRIAL_STATE_UNSPECIFIED }), Status.INVALID_ARGUMENT, 'state');
  });

  it('a message over the size limit', async () => {
    await expectRefused(
      () => served.hpo.setTrialUserAttr({ trialId: runningId, key: 'blob', value: 'x'.repeat(MAX_MESSAGE_BYTES + 1) }),
      Status.RESOURCE_EXHAUSTED,
      /larger than max|message/i,
    );
  });
});
