import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertIntermediateValue, insertTrial, readTrialChanges, updateTrial } from '../../src/storage/trial-repository.js';
import { insertTestStudy } from '../support/study-row.js';
import { describePostgres, describeStores, type TestStore } from '../support/test-database.js';

async function newStudy(store: TestStore, name: string): Promise<number> {
  return (await insertTestStudy(store, name)).id;
}

function trialRow(studyId: number, number: number) {
  return { study_id: studyId, number, state: 'RUNNING' as const, params: '{}', user_attrs: '{}', system_attrs: '{}' };
}

describeStores('readTrialChanges', (stores) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await stores.open();
  });
  afterAll(async () => {
    await store.close();
  });

  it('returns every trial at first, then only rows written since, with revisions that grow on update', async () => {
    const studyId = await newStudy(store, 'delta');
    const a = await insertTrial(store.db, trialRow(studyId, 0));
    await insertTrial(store.db, trialRow(studyId, 1));
    const first = await readTrialChanges(store.db, studyId, null);
    expect(first.trials.map((t) => t.number).sort()).toEqual([0, 1]);

    const updated = await updateTrial(store.db, a.id, { state: 'COMPLETE', values: '{1.5}' });
    expect(updated.revision).toBe(a.revision + 1);
    await insertIntermediateValue(store.db, a.id, 3, Number.NaN);
    await updateTrial(store.db, a.id, { last_heartbeat_at: new Date().toISOString() });
    const second = await readTrialChanges(store.db, studyId, first.xmin);
    // Trial 1 may come back too when some transaction anywhere in the cluster was open at the first read
    // (the snapshot xmin is cluster-wide); trial 0's new version must.
    const changed = second.trials.find((t) => t.number === 0);
    expect(changed).toMatchObject({ state: 'COMPLETE', values: [1.5], revision: a.revision + 2 });
    const values = second.values.filter((v) => v.trial_id === a.id);
    expect(values).toHaveLength(1);
    expect(values[0].value).toBeNaN();
    expect(second.xmin >= first.xmin).toBe(true);
  });
});

describePostgres('readTrialChanges with concurrent writers', (stores) => {
  it('picks up a row committed after a later-started transaction that the previous read already saw', async () => {
    const store = await stores.open();
    try {
      const studyId = await newStudy(store, 'out-of-order');
      const initial = await readTrialChanges(store.db, studyId, null);
      // Transaction A writes trial 0 and stays open; B writes trial 1 and commits first.
      const a = await store.db.startTransaction().execute();
      await insertTrial(a, trialRow(studyId, 0));
      await insertTrial(store.db, trialRow(studyId, 1));
      const afterB = await readTrialChanges(store.db, studyId, initial.xmin);
      expect(afterB.trials.map((t) => t.number)).toEqual([1]);
      await a.commit().execute();
      // A's id is older than B's: a plain "greater than the last revision seen" filter would miss it.
      const afterA = await readTrialChanges(store.db, studyId, afterB.xmin);
      expect(afterA.trials.map((t) => t.number)).toContain(0);
    } finally {
      await store.close();
    }
  });

  it('skips rows the reader already holds when an open transaction holds the snapshot xmin back', async () => {
    const store = await stores.open();
    try {
      const studyId = await newStudy(store, 'lagging-xmin');
      const otherStudy = await newStudy(store, 'elsewhere');
      // A long transaction with an xid, writing somewhere else: it holds every snapshot's xmin at its id.
      const open = await store.db.startTransaction().execute();
      await insertTrial(open, trialRow(otherStudy, 0));
      const t0 = await insertTrial(store.db, trialRow(studyId, 0));
      const t1 = await insertTrial(store.db, trialRow(studyId, 1));
      const first = await readTrialChanges(store.db, studyId, null);
      await updateTrial(store.db, t0.id, { state: 'FAIL' });
      const unfiltered = await readTrialChanges(store.db, studyId, first.xmin);
      expect(unfiltered.trials.map((t) => t.number).sort()).toEqual([0, 1]);
      const known = { ids: [t0.id, t1.id], revisions: [t0.revision, t1.revision] };
      const filtered = await readTrialChanges(store.db, studyId, first.xmin, undefined, known);
      expect(filtered.trials.map((t) => [t.number, t.state])).toEqual([[0, 'FAIL']]);
      await open.rollback().execute();
    } finally {
      await store.close();
    }
  });
});
