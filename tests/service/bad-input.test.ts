import { beforeAll, expect, it } from 'vitest';
import type { SearchSpace } from '../../src/core/distribution.js';
import type { ErrorCode } from '../../src/core/errors.js';
import type { TrialRecord } from '../../src/service/hpo-service.js';
import { askTrial, uniqueName, useServiceFixture, X_SPACE } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

/**
 * Issue 2 item 7 at the service level: every bad input is refused with the right error naming the field,
 * and the stored study (definition, counters, every trial) is exactly as before.
 */
describeStores('bad input', (stores) => {
  const f = useServiceFixture(stores);
  const name = uniqueName('bad-input');
  let running: TrialRecord;
  let finished: TrialRecord;

  async function snapshot() {
    const study = await f.service.getStudy(name);
    const trials = await f.service.listTrials({ studyName: name });
    return { study, trials: trials.items };
  }

  async function refused(call: () => Promise<unknown>, code: ErrorCode, field?: string): Promise<void> {
    const before = await snapshot();
    const error = await call().then(
      () => {
        throw new Error('the call succeeded');
      },
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code, ...(field !== undefined ? { field } : {}) });
    expect(await snapshot()).toEqual(before);
  }

  beforeAll(async () => {
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, userAttrs: { team: 'a' } });
    running = await askTrial(f.service, name, X_SPACE);
    await f.service.report({ trialId: running.id, step: 0, value: 1 });
    finished = await askTrial(f.service, name, X_SPACE);
    await f.service.tell({ trialId: finished.id, state: 'COMPLETE', values: [0.5] });
  });

  it('unknown study or trial: NOT_FOUND', async () => {
    const missing = uniqueName('missing');
    await refused(() => f.service.ask({ studyName: missing, searchSpace: {} }), 'NOT_FOUND');
    await refused(() => f.service.getStudy(missing), 'NOT_FOUND');
    await refused(() => f.service.enqueueTrial({ studyName: missing, params: {} }), 'NOT_FOUND');
    await refused(() => f.service.listTrials({ studyName: missing }), 'NOT_FOUND');
    await refused(() => f.service.bestTrials(missing), 'NOT_FOUND');
    await refused(() => f.service.deleteStudy({ name: missing }), 'NOT_FOUND');
    await refused(() => f.service.setStudyUserAttr({ studyName: missing, key: 'k', value: 1 }), 'NOT_FOUND');
    const trialId = 987_654_321;
    await refused(() => f.service.tell({ trialId, state: 'COMPLETE', values: [1] }), 'NOT_FOUND');
    await refused(() => f.service.report({ trialId, step: 0, value: 1 }), 'NOT_FOUND');
    await refused(() => f.service.suggest({ trialId, params: [] }), 'NOT_FOUND');
    await refused(() => f.service.heartbeat({ trialId }), 'NOT_FOUND');
    await refused(() => f.service.getTrial({ trialId }), 'NOT_FOUND');
    await refused(() => f.service.getTrial({ studyName: name, number: 999 }), 'NOT_FOUND');
    await refused(() => f.service.setTrialUserAttr({ trialId, key: 'k', value: 1 }), 'NOT_FOUND');
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await refused(() => f.service.tell({ trialId: bad, state: 'FAIL' }), 'INVALID_ARGUMENT', 'trial_id');
    }
  });

  it('tell on a finished trial and report after tell: FAILED_PRECONDITION', async () => {
    await refused(() => f.service.tell({ trialId: finished.id, state: 'COMPLETE', values: [0.25] }), 'FAILED_PRECONDITION');
    await refused(() => f.service.tell({ trialId: finished.id, state: 'PRUNED' }), 'FAILED_PRECONDITION');
    await refused(() => f.service.report({ trialId: finished.id, step: 1, value: 1 }), 'FAILED_PRECONDITION');
    await refused(() => f.service.report({ trialId: running.id, step: 0, value: 2 }), 'FAILED_PRECONDITION');
  });

  it('NaN or Infinity where a number is required: INVALID_ARGUMENT naming it', async () => {
    await refused(() => f.service.tell({ trialId: running.id, state: 'COMPLETE', values: [Number.NaN] }), 'INVALID_ARGUMENT', 'values[0]');
    await refused(() => f.service.tell({ trialId: running.id, state: 'COMPLETE', values: [Infinity] }), 'INVALID_ARGUMENT', 'values[0]');
    await refused(
      () => f.service.ask({ studyName: name, searchSpace: { x: { kind: 'float', low: Number.NaN, high: 1, log: false } } }),
      'INVALID_ARGUMENT',
      'search_space.x.low',
    );
    await refused(
      () => f.service.ask({ studyName: name, searchSpace: { x: { kind: 'float', low: 0, high: Infinity, log: false } } }),
      'INVALID_ARGUMENT',
      'search_space.x.high',
    );
    await refused(() => f.service.setTrialUserAttr({ trialId: running.id, key: 'k', value: Number.NaN }), 'INVALID_ARGUMENT', 'value');
  });

  it('malformed distributions: INVALID_ARGUMENT naming the field', async () => {
    const cases: Array<[SearchSpace, string]> = [
      [{ x: { kind: 'float', low: 2, high: 1, log: false } }, 'search_space.x.low'],
      [{ x: { kind: 'float', low: 0, high: 1, log: true } }, 'search_space.x.low'],
      [{ x: { kind: 'int', low: 0, high: 10, log: true, step: 1 } }, 'search_space.x.low'],
      [{ x: { kind: 'float', low: 0, high: 1, log: false, step: 0.3 } }, 'search_space.x.step'],
      [{ x: { kind: 'int', low: 0, high: 10, log: false, step: 3 } }, 'search_space.x.step'],
      [{ x: { kind: 'int', low: 0.5, high: 10, log: false, step: 1 } }, 'search_space.x.low'],
      [{ x: { kind: 'categorical', choices: [] } }, 'search_space.x.choices'],
      [{ x: { kind: 'categorical', choices: ['a', 'a'] } }, 'search_space.x.choices[1]'],
    ];
    for (const [searchSpace, field] of cases) {
      await refused(() => f.service.ask({ studyName: name, searchSpace }), 'INVALID_ARGUMENT', field);
    }
    await refused(
      () => f.service.suggest({ trialId: running.id, params: [{ name: 'y', distribution: { kind: 'float', low: 3, high: 1, log: false } }] }),
      'INVALID_ARGUMENT',
      'params[0].distribution.low',
    );
  });

  it('params outside the declared distribution: INVALID_ARGUMENT, the enqueued trial still waiting', async () => {
    const other = uniqueName('outside');
    await f.service.createStudy({ name: other, directions: ['minimize'], sampler: { kind: 'random' } });
    const waiting = await f.service.enqueueTrial({ studyName: other, params: { x: 50 } });
    await expect(f.service.ask({ studyName: other, searchSpace: X_SPACE })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const after = await f.service.getTrial({ trialId: waiting.id });
    expect(after.state).toBe('WAITING');
    expect((await f.service.getStudy(other)).trialCounts).toMatchObject({ WAITING: 1, RUNNING: 0 });
    await refused(() => f.service.enqueueTrial({ studyName: name, params: { x: Number.NaN } }), 'INVALID_ARGUMENT', 'params.x');
    await refused(
      () => f.service.enqueueTrial({ studyName: name, params: { x: [1] as unknown as number } }),
      'INVALID_ARGUMENT',
      'params.x',
    );
  });

  it('wrong number of values for the objectives: INVALID_ARGUMENT', async () => {
    await refused(() => f.service.tell({ trialId: running.id, state: 'COMPLETE', values: [1, 2] }), 'INVALID_ARGUMENT', 'values');
    await refused(() => f.service.tell({ trialId: running.id, state: 'COMPLETE' }), 'INVALID_ARGUMENT', 'values');
    await refused(() => f.service.tell({ trialId: running.id, state: 'COMPLETE', values: [] }), 'INVALID_ARGUMENT', 'values');
  });

  it('names too long and messages too large: refused naming the field', async () => {
    await refused(() => f.service.createStudy({ name: 'n'.repeat(257), directions: ['minimize'] }), 'INVALID_ARGUMENT', 'name');
    await refused(() => f.service.createStudy({ name: '', directions: ['minimize'] }), 'INVALID_ARGUMENT', 'name');
    const longParam = 'p'.repeat(129);
    await refused(
      () => f.service.ask({ studyName: name, searchSpace: { [longParam]: X_SPACE.x } }),
      'INVALID_ARGUMENT',
      `search_space.${longParam}`,
    );
    await refused(() => f.service.setStudyUserAttr({ studyName: name, key: 'k'.repeat(257), value: 1 }), 'INVALID_ARGUMENT', 'key');
    await refused(() => f.service.setStudyUserAttr({ studyName: name, key: 'big', value: 'x'.repeat(70_000) }), 'INVALID_ARGUMENT', 'value');
    const huge: SearchSpace = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, X_SPACE.x]));
    await refused(() => f.service.ask({ studyName: name, searchSpace: huge }), 'RESOURCE_EXHAUSTED');
    await refused(() => f.service.tell({ trialId: running.id, state: 'FAIL', failReason: 'r'.repeat(5000) }), 'INVALID_ARGUMENT', 'fail_reason');
  });

  it('bad study definitions: INVALID_ARGUMENT naming the field, nothing created', async () => {
    const fresh = uniqueName('never');
    const cases: Array<[Parameters<typeof f.service.createStudy>[0], string]> = [
      [{ name: fresh, directions: [] }, 'directions'],
      [{ name: fresh, directions: ['up' as 'minimize'] }, 'directions[0]'],
      [{ name: fresh, directions: ['minimize'], sampler: { kind: 'random' }, seed: -1 }, 'seed'],
      [{ name: fresh, directions: ['minimize'], sampler: { kind: 'random' }, maxTrials: 0 }, 'max_trials'],
      [
        { name: fresh, directions: ['minimize'], sampler: { kind: 'random' }, failurePolicy: { heartbeatGraceSeconds: -1 } },
        'failure_policy.heartbeat_grace_seconds',
      ],
      [{ name: fresh, directions: ['minimize'], sampler: { kind: 'grid', axes: {} } }, 'sampler.grid.axes'],
      [{ name: fresh, directions: ['minimize'], sampler: { kind: 'random' }, userAttrs: { k: Number.NaN } }, 'user_attrs.k'],
    ];
    for (const [input, field] of cases) {
      await expect(f.service.createStudy(input)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field });
    }
    await expect(f.service.getStudy(fresh)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('bad listing arguments: INVALID_ARGUMENT', async () => {
    await refused(() => f.service.listTrials({ studyName: name, pageSize: 10_001 }), 'INVALID_ARGUMENT', 'page_size');
    await refused(() => f.service.listTrials({ studyName: name, pageToken: 'not-a-token' }), 'INVALID_ARGUMENT', 'page_token');
    await refused(() => f.service.listStudies({ pageSize: 1001 }), 'INVALID_ARGUMENT', 'page_size');
    await refused(() => f.service.listTrials({ studyName: name, states: ['DONE' as 'FAIL'] }), 'INVALID_ARGUMENT', 'states[0]');
  });
});
