import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  findRequestResponsesByMethod,
  lockTrialsAndFindResponses,
  lockTrialsWithStudies,
  writeAskBatch,
} from '../../src/storage/batch-repository.js';
import { saveRequestResponse } from '../../src/storage/request-repository.js';
import { findTrialById, insertIntermediateValue } from '../../src/storage/trial-repository.js';
import { insertTestStudy } from '../support/study-row.js';
import { describePostgres, describeStores, type TestStore } from '../support/test-database.js';

const newStudy = insertTestStudy;

/** Starts trials `numbers` of a study the way an ask batch does; their ids by number. */
async function insertAskedTrials(store: TestStore, studyId: number, numbers: readonly number[], workerId: (n: number) => string | null = () => null) {
  const { ids } = await writeAskBatch(store.db, {
    studyId,
    finishes: [],
    asked: numbers.map((number) => ({ number, params: '{}', systemAttrs: '{}', workerId: workerId(number) })),
    startedAt: new Date().toISOString(),
    responses: [],
  });
  return ids;
}

describeStores('ask batch statements', (stores) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await stores.open();
  });
  afterAll(async () => {
    await store.close();
  });

  it('inserts asked trials with their columns, advances the next number and remembers the request ids, returning ids by number', async () => {
    const study = await newStudy(store, 'insert-asked');
    const startedAt = '2026-11-26T10:00:00.000Z';
    const { ids, finished } = await writeAskBatch(store.db, {
      studyId: study.id,
      finishes: [],
      asked: [
        { number: 0, params: '{"x":{"distribution":{"kind":"float","low":0,"high":1},"internal":0.25}}', systemAttrs: '{"a":1}', workerId: 'w1' },
        { number: 1, params: '{}', systemAttrs: '{}', workerId: null },
      ],
      startedAt,
      responses: [{ method: 'Ask', key: 'k0', response: { number: 0, studyId: study.id } }],
    });
    expect(finished).toEqual([]);
    expect([...ids.keys()].sort()).toEqual([0, 1]);
    const first = (await findTrialById(store.db, ids.get(0)!))!;
    expect(first).toMatchObject({ study_id: study.id, number: 0, state: 'RUNNING', worker_id: 'w1', system_attrs: { a: 1 }, user_attrs: {}, revision: 0 });
    expect(first.params).toEqual({ x: { distribution: { kind: 'float', low: 0, high: 1 }, internal: 0.25 } });
    expect(first.started_at?.toISOString()).toBe(startedAt);
    expect(first.last_heartbeat_at?.toISOString()).toBe(startedAt);
    expect((await findTrialById(store.db, ids.get(1)!))!.worker_id).toBeNull();
    const next = await store.db.selectFrom('studies').select('next_trial_number').where('id', '=', study.id).executeTakeFirstOrThrow();
    expect(next.next_trial_number).toBe(2);
    expect((await findRequestResponsesByMethod(store.db, { Ask: ['k0'] })).get('Ask')).toEqual(new Map([['k0', { number: 0, studyId: study.id }]]));
  });

  it('finishes told trials and starts new ones in one statement, returning the finished rows with their intermediate values', async () => {
    const study = await newStudy(store, 'finish-and-ask');
    const started = await insertAskedTrials(store, study.id, [0, 1]);
    await insertIntermediateValue(store.db, started.get(0)!, 3, 0.5);
    await insertIntermediateValue(store.db, started.get(0)!, 1, Number.NaN);
    const completedAt = '2026-11-26T11:00:00.000Z';
    const finish = (id: number, number: number, state: 'COMPLETE' | 'FAIL', values: number[] | null, userAttrs: string | null) =>
      ({ kind: 'finish' as const, id, number, state, values, needsLastValue: false, constraints: null, completedAt, userAttrs });
    const { finished, ids } = await writeAskBatch(store.db, {
      studyId: study.id,
      finishes: [finish(started.get(0)!, 0, 'COMPLETE', [Number.POSITIVE_INFINITY], null), finish(started.get(1)!, 1, 'FAIL', null, '{"fail_reason":"oom"}')],
      asked: [{ number: 2, params: '{}', systemAttrs: '{}', workerId: 'w' }],
      startedAt: completedAt,
      responses: [
        { method: 'Tell', key: 'fa-t0', response: { trialId: started.get(0) } },
        { method: 'Ask', key: 'fa-a2', response: { number: 2, studyId: study.id } },
      ],
    });
    const byNumber = new Map(finished.map((f) => [f.row.number, f]));
    expect(byNumber.get(0)!.row).toMatchObject({ state: 'COMPLETE', values: [Number.POSITIVE_INFINITY], revision: 1 });
    expect(byNumber.get(0)!.row.completed_at?.toISOString()).toBe(completedAt);
    expect(byNumber.get(0)!.intermediateValues).toEqual(new Map([[1, Number.NaN], [3, 0.5]]));
    expect(byNumber.get(1)!.row).toMatchObject({ state: 'FAIL', values: null, user_attrs: { fail_reason: 'oom' } });
    expect(byNumber.get(1)!.intermediateValues).toEqual(new Map());
    expect(typeof byNumber.get(1)!.row.change_xid).toBe('string');
    expect([...ids.keys()]).toEqual([2]);
    expect((await findTrialById(store.db, ids.get(2)!))!.state).toBe('RUNNING');
    const responses = await findRequestResponsesByMethod(store.db, { Ask: ['fa-a2'], Tell: ['fa-t0'] });
    expect(responses.get('Tell')).toEqual(new Map([['fa-t0', { trialId: started.get(0) }]]));
    expect(responses.get('Ask')).toEqual(new Map([['fa-a2', { number: 2, studyId: study.id }]]));

    // Finishes alone: nothing is inserted and the study's next number stays.
    const alone = await writeAskBatch(store.db, {
      studyId: study.id,
      finishes: [finish(ids.get(2)!, 2, 'COMPLETE', [1], null)],
      asked: [],
      startedAt: completedAt,
      responses: [],
    });
    expect(alone.finished.map((f) => f.row.number)).toEqual([2]);
    expect(alone.ids.size).toBe(0);
    const next = await store.db.selectFrom('studies').select('next_trial_number').where('id', '=', study.id).executeTakeFirstOrThrow();
    expect(next.next_trial_number).toBe(3);
  });

  it('locks told trials and reads request ids in one statement, with the same rows and responses as the separate reads', async () => {
    const study = await newStudy(store, 'lock-and-find');
    const ids = await insertAskedTrials(store, study.id, [0, 1, 2], (number) => `w${number}`);
    await saveRequestResponse(store.db, 'Ask', 'a1', { number: 1, studyId: study.id });
    await saveRequestResponse(store.db, 'Tell', 't1', { trialId: ids.get(1) });
    // The same key under another method is a different request id.
    await saveRequestResponse(store.db, 'Tell', 'a2', { trialId: 99 });
    const told = [ids.get(2)!, ids.get(0)!];
    const keys = { Ask: ['a1', 'a2', 'missing'], Tell: ['t1', 't1'] };

    const together = await store.db.transaction().execute((trx) => lockTrialsAndFindResponses(trx, told, keys));
    const separate = await store.db.transaction().execute(async (trx) => ({
      rows: await lockTrialsWithStudies(trx, told),
      responses: await findRequestResponsesByMethod(trx, keys),
    }));
    expect(together.rows.map((r) => r.number)).toEqual([0, 2]);
    expect(together).toEqual(separate);
    expect(together.rows[0]).toMatchObject({ study_name: 'lock-and-find', study_directions: ['minimize'], worker_id: 'w0' });
    expect(typeof together.rows[0].change_xid).toBe('string');
    expect(together.responses.get('Ask')).toEqual(new Map([['a1', { number: 1, studyId: study.id }]]));
    expect(together.responses.get('Tell')).toEqual(new Map([['t1', { trialId: ids.get(1) }]]));

    // Either half alone.
    const noKeys = await store.db.transaction().execute((trx) => lockTrialsAndFindResponses(trx, told, { Ask: [], Tell: [] }));
    expect(noKeys.rows.map((r) => r.number)).toEqual([0, 2]);
    expect(noKeys.responses).toEqual(new Map([['Ask', new Map()], ['Tell', new Map()]]));
    const noTrials = await store.db.transaction().execute((trx) => lockTrialsAndFindResponses(trx, [], keys));
    expect(noTrials.rows).toEqual([]);
    expect(noTrials.responses).toEqual(together.responses);
    // Trials that do not exist lock nothing, and the responses still come back.
    const unknown = await store.db.transaction().execute((trx) => lockTrialsAndFindResponses(trx, [987654], keys));
    expect(unknown.rows).toEqual([]);
    expect(unknown.responses).toEqual(together.responses);
  });
});

describePostgres('lockTrialsAndFindResponses on Postgres', (stores) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await stores.open();
  });
  afterAll(async () => {
    await store.close();
  });

  it('holds the told trials\' row locks until its transaction ends, and no others', async () => {
    const study = await newStudy(store, 'lock-held');
    const ids = await insertAskedTrials(store, study.id, [0, 1]);
    const other = new pg.Client({ connectionString: store.url });
    await other.connect();
    try {
      const tryLock = (id: number) => other.query('select id from trials where id = $1 for update nowait', [id]).then(() => 'free', (e: { code?: string }) => e.code);
      await store.db.transaction().execute(async (trx) => {
        await lockTrialsAndFindResponses(trx, [ids.get(0)!], { Ask: ['x'] });
        // 55P03: lock_not_available.
        expect(await tryLock(ids.get(0)!)).toBe('55P03');
        expect(await tryLock(ids.get(1)!)).toBe('free');
      });
      expect(await tryLock(ids.get(0)!)).toBe('free');
      // Without request ids to read, the same lock.
      await store.db.transaction().execute(async (trx) => {
        await lockTrialsAndFindResponses(trx, [ids.get(1)!], { Tell: [] });
        expect(await tryLock(ids.get(1)!)).toBe('55P03');
        expect(await tryLock(ids.get(0)!)).toBe('free');
      });
    } finally {
      await other.end();
    }
  });
});
