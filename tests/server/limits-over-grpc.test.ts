import { status } from '@grpc/grpc-js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Direction } from '../../src/generated/hpo/v1/study.js';
import { TrialState } from '../../src/generated/hpo/v1/trial.js';
import { CONVERSION_LIMITS, DEFAULT_LIMITS, SERVICE_LIMITS } from '../../src/server/limits.js';
import { rejectionOf } from '../support/grpc-client.js';
import { type SecureCaller, connectAs } from '../support/secure-client.js';
import { type SecureServer, startSecureServer } from '../support/secure-server.js';
import { describeStores } from '../support/test-database.js';

/**
 * Every limit of src/server/limits.ts, one past its default, over a real connection to the real service: the
 * status the table promises, a message naming the field, and every table unchanged.
 */
const STUDY = 'limits-study';
const MIN = [Direction.DIRECTION_MINIMIZE];
const float = (name: string) => ({ name, distribution: { kind: { $case: 'float' as const, value: { low: 0, high: 1, log: false } } } });
const str = (value: string) => ({ kind: { $case: 'stringValue' as const, value } });
const num = (value: number) => ({ kind: { $case: 'numberValue' as const, value } });
const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

let server: SecureServer;
let hpo: SecureCaller;
let trialId: number;

async function newRunningTrial(): Promise<number> {
  const result = await server.service.ask({ studyName: STUDY, searchSpace: {} });
  if (result.kind !== 'trial') throw new Error('study is done');
  return result.trial.id;
}

type Case = readonly [limit: string, code: keyof typeof status, field: RegExp, call: () => Promise<unknown>];

const CASES: readonly Case[] = [
  ['message size', 'RESOURCE_EXHAUSTED', /message larger than max/i, () => hpo.setStudyUserAttr({ studyName: STUDY, key: 'big', value: 'x'.repeat(DEFAULT_LIMITS.maxMessageBytes + 1) })],
  [
    'categorical choices',
    'INVALID_ARGUMENT',
    /^search_space\[0\]\.distribution\.categorical\.choices: at most 10000/,
    () =>
      hpo.ask({
        studyName: STUDY,
        searchSpace: [{ name: 'c', distribution: { kind: { $case: 'categorical', value: { choices: Array.from({ length: DEFAULT_LIMITS.maxCategoricalChoices + 1 }, (_, i) => num(i)) } } } }],
      }),
  ],
  [
    'a string parameter value',
    'INVALID_ARGUMENT',
    /^params\[0\]\.distribution\.categorical\.choices\[0\]\.string_value: at most 1024/,
    () => hpo.suggest({ trialId, params: [{ name: 'c', distribution: { kind: { $case: 'categorical', value: { choices: [str('x'.repeat(1025))] } } } }] }),
  ],
  [
    'grid axes',
    'INVALID_ARGUMENT',
    /^sampler\.grid\.axes: at most 1000/,
    () =>
      hpo.createStudy({
        name: 'grid',
        directions: MIN,
        sampler: { kind: { $case: 'grid', value: { axes: Array.from({ length: DEFAULT_LIMITS.maxParamsPerTrial + 1 }, (_, i) => ({ name: `a${i}`, values: [num(1)] })) } } },
      }),
  ],
  [
    'parameters of an enqueued trial',
    'INVALID_ARGUMENT',
    /^params: at most 1000/,
    () => hpo.enqueueTrial({ studyName: STUDY, params: Array.from({ length: DEFAULT_LIMITS.maxParamsPerTrial + 1 }, (_, i) => ({ name: `p${i}`, value: num(0) })) }),
  ],
  ['constraint values', 'INVALID_ARGUMENT', /^constraints: at most 64/, () => hpo.tell({ trialId, state: TrialState.TRIAL_STATE_COMPLETE, values: [1], constraints: new Array(65).fill(0) })],
  [
    'attributes in one request',
    'INVALID_ARGUMENT',
    /^user_attrs: at most 256/,
    () => hpo.createStudy({ name: 'attrs', directions: MIN, userAttrs: Array.from({ length: 257 }, (_, i) => ({ key: `k${i}`, value: 1 })) }),
  ],
  ['state filters', 'INVALID_ARGUMENT', /^states: at most 16/, () => hpo.listTrials({ studyName: STUDY, states: new Array(17).fill(TrialState.TRIAL_STATE_RUNNING) })],
  ['study name', 'INVALID_ARGUMENT', /name/, () => hpo.createStudy({ name: 's'.repeat(CONVERSION_LIMITS.nameLength + 1), directions: MIN })],
  ['attribute key', 'INVALID_ARGUMENT', /^key: /, () => hpo.setStudyUserAttr({ studyName: STUDY, key: 'k'.repeat(CONVERSION_LIMITS.nameLength + 1), value: 1 })],
  ['parameter name', 'INVALID_ARGUMENT', /^search_space\[0\]\.name: /, () => hpo.ask({ studyName: STUDY, searchSpace: [float('p'.repeat(CONVERSION_LIMITS.paramNameLength + 1))] })],
  ['worker id', 'INVALID_ARGUMENT', /^worker_id: /, () => hpo.heartbeat({ trialId, workerId: 'w'.repeat(CONVERSION_LIMITS.idLength + 1) })],
  ['request id', 'INVALID_ARGUMENT', /^request_id: /, () => hpo.report({ trialId, step: 1, value: 1, requestId: 'r'.repeat(CONVERSION_LIMITS.idLength + 1) })],
  ['page token', 'INVALID_ARGUMENT', /^page_token: /, () => hpo.listStudies({ pageToken: 't'.repeat(1025) })],
  ['attribute nesting', 'INVALID_ARGUMENT', /^value/, () => hpo.setTrialUserAttr({ trialId, key: 'deep', value: nested(33) })],
  [
    'pruner nesting',
    'INVALID_ARGUMENT',
    /^pruner/,
    () => {
      let pruner: unknown = { kind: { $case: 'nop', value: {} } };
      for (let i = 0; i < 5; i++) pruner = { kind: { $case: 'patient', value: { wrapped: pruner, patience: 1 } } };
      return hpo.createStudy({ name: 'patient', directions: MIN, pruner: pruner as never });
    },
  ],
  [
    'parameters per trial (ask)',
    'RESOURCE_EXHAUSTED',
    /search_space: at most 1000/,
    () => hpo.ask({ studyName: STUDY, searchSpace: Array.from({ length: SERVICE_LIMITS.paramsPerTrial + 1 }, (_, i) => float(`p${i}`)) }),
  ],
  ['objectives', 'INVALID_ARGUMENT', /^directions: at most 16/, () => hpo.createStudy({ name: 'many', directions: new Array(CONVERSION_LIMITS.objectives + 1).fill(Direction.DIRECTION_MINIMIZE) })],
  ['an attribute value', 'INVALID_ARGUMENT', /^value.*at most 65536 bytes/, () => hpo.setStudyUserAttr({ studyName: STUDY, key: 'big', value: 'x'.repeat(SERVICE_LIMITS.attrValueBytes) })],
  ['fail_reason', 'INVALID_ARGUMENT', /^fail_reason: /, () => hpo.tell({ trialId, state: TrialState.TRIAL_STATE_FAIL, failReason: 'f'.repeat(SERVICE_LIMITS.failReasonLength + 1) })],
  ['a page of studies', 'INVALID_ARGUMENT', /^page_size: .*1000/, () => hpo.listStudies({ pageSize: SERVICE_LIMITS.listStudiesMaxPageSize + 1 })],
  ['a page of trials', 'INVALID_ARGUMENT', /^page_size: .*10000/, () => hpo.listTrials({ studyName: STUDY, pageSize: SERVICE_LIMITS.listTrialsMaxPageSize + 1 })],
];

describeStores('limits over gRPC', (stores) => {
  beforeAll(async () => {
    server = await startSecureServer({ auth: 'none', stores });
    hpo = connectAs(server.address);
    await server.service.createStudy({ name: STUDY, directions: ['minimize'] });
    trialId = await newRunningTrial();
  }, 120_000);
  afterAll(async () => {
    hpo?.close();
    await server?.stop();
  });


  describe('every limit, one past its default', () => {
    it.each(CASES)('%s: %s naming the field, nothing stored changes', async (_, code, field, call) => {
      const before = await server.snapshot();
      const error = await rejectionOf(call());
      expect(`${status[error.code]}: ${error.details}`).toMatch(new RegExp(`^${code}: `));
      expect(error.details).toMatch(field);
      expect(await server.snapshot()).toBe(before);
    });

    it('parameters per trial, across suggest calls: RESOURCE_EXHAUSTED once the trial would hold more than the limit', async () => {
      const id = await newRunningTrial();
      const half = SERVICE_LIMITS.paramsPerTrial / 2;
      await hpo.suggest({ trialId: id, params: Array.from({ length: half }, (_, i) => float(`a${i}`)) });
      await hpo.suggest({ trialId: id, params: Array.from({ length: half }, (_, i) => float(`b${i}`)) });
      const before = await server.snapshot();
      const error = await rejectionOf(hpo.suggest({ trialId: id, params: [float('one-too-many')] }));
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.details).toMatch(/^params: /);
      expect(await server.snapshot()).toBe(before);
    });

    it('intermediate values per trial: RESOURCE_EXHAUSTED for a new step past the limit, a repeated step still answers', async () => {
      const id = await newRunningTrial();
      const max = SERVICE_LIMITS.intermediateValuesPerTrial;
      // Reporting 100,000 steps one by one takes minutes; the rows are written directly instead (steps 0..max-2),
      // and the last allowed one through the service, so the service's cache has seen every row.
      await sql`insert into trial_intermediate_values (trial_id, step, value) select ${id}, g, 0.5 from generate_series(0, ${max - 2}) g`.execute(server.db);
      await hpo.report({ trialId: id, step: max - 1, value: 0.5 });
      const before = await server.snapshot();
      const error = await rejectionOf(hpo.report({ trialId: id, step: max, value: 0.5 }));
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.details).toMatch(/^step: trial \d+ already holds 100000 intermediate values/);
      expect(await server.snapshot()).toBe(before);
      await expect(hpo.report({ trialId: id, step: 7, value: 0.5 })).resolves.toMatchObject({ shouldPrune: false });
    });
  });
});
