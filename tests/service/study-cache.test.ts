import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StudyCache, StudyCacheEntry } from '../../src/service/study-cache.js';
import { findStudyByName } from '../../src/storage/study-repository.js';
import type { StudyRow } from '../../src/storage/database.js';
import { askTrial, uniqueName, useServiceFixture, X_SPACE } from '../support/service-fixture.js';
import { describePostgres, describeStores } from '../support/test-database.js';

describeStores('per-study cache across service instances', (stores) => {
  const f = useServiceFixture(stores);

  it('picks up trials, values and intermediate values written by another instance', async () => {
    const name = uniqueName('cache');
    const other = f.secondService();
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    // Warm this instance's cache first, so what follows must come from a delta read.
    const first = await askTrial(f.service, name);
    await f.service.tell({ trialId: first.id, state: 'COMPLETE', values: [5] });
    expect((await f.service.bestTrials(name)).map((t) => t.number)).toEqual([0]);

    const second = await askTrial(other, name);
    await other.report({ trialId: second.id, step: 1, value: Number.NEGATIVE_INFINITY });
    await other.tell({ trialId: second.id, state: 'COMPLETE', values: [1] });
    const [best] = await f.service.bestTrials(name);
    expect(best.number).toBe(1);
    expect(best.intermediateValues.get(1)).toBe(Number.NEGATIVE_INFINITY);

    // An update of an already cached row (tell of trial 0's neighbour) is seen too.
    const third = await askTrial(f.service, name);
    await other.tell({ trialId: third.id, state: 'COMPLETE', values: [0] });
    expect((await f.service.bestTrials(name)).map((t) => t.number)).toEqual([2]);
  });

  it('keeps grid hand-outs exclusive when two instances alternate on a warm cache', async () => {
    const name = uniqueName('cache-grid');
    const other = f.secondService();
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'grid', axes: { x: [1, 2, 3, 4, 5, 6] } } });
    const seen: unknown[] = [];
    for (let i = 0; i < 6; i++) seen.push((await askTrial(i % 2 ? other : f.service, name, X_SPACE)).params.x);
    expect(seen.slice().sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await other.ask({ studyName: name, searchSpace: X_SPACE })).kind).toBe('done');
  });
});

describe('StudyCache', () => {
  const row = (id: number): StudyRow => ({
    id,
    name: `s${id}`,
    directions: ['minimize'],
    sampler: { kind: 'random' },
    pruner: { kind: 'nop' },
    seed: 1,
    user_attrs: {},
    system_attrs: {},
    max_trials: null,
    heartbeat_grace_seconds: 60,
    max_retries: 0,
    count_failed_trials: false,
    state: 'RUNNING',
    next_trial_number: 0,
    created_at: new Date(0),
  });

  it('keeps one entry (and one sampler) per study, and drops the least recently used beyond its size', () => {
    const cache = new StudyCache(2);
    const a = cache.entryFor(row(1));
    expect(cache.entryFor(row(1))).toBe(a);
    cache.entryFor(row(2));
    cache.entryFor(row(1)); // 1 is now the most recently used
    cache.entryFor(row(3)); // drops 2
    expect(cache.size).toBe(2);
    expect(cache.entryFor(row(1))).toBe(a);
    expect(cache.entryFor(row(1)).sampler).toBe(a.sampler);
  });
});

describePostgres('per-study cache while another transaction holds the snapshot xmin back', (stores) => {
  const f = useServiceFixture(stores);

  it('refreshed step by step, holds the same trials as a cache read fresh (known rows skipped, updates of them seen)', async () => {
    const name = uniqueName('cache-lag');
    const other = f.secondService();
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    // An open transaction with an id keeps every snapshot's xmin at or below it: each delta read then covers
    // all rows written since, and the cache's known versions (the ids it tracks as recent) decide what is skipped.
    const holder = new pg.Client({ connectionString: f.store.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select pg_current_xact_id()');
      const study = (await findStudyByName(f.store.db, name))!;
      const stepwise = new StudyCacheEntry(study);
      await stepwise.refresh(f.store.db);
      const running: number[] = [];
      for (let i = 0; i < 12; i++) {
        const t = await askTrial(other, name);
        if (i % 3 === 0) running.push(t.id);
        else await other.tell({ trialId: t.id, state: 'COMPLETE', values: [i] });
        // Rows cached earlier change too: a report and a tell of trials the stepwise cache already holds.
        if (i % 4 === 1 && running.length > 0) await other.report({ trialId: running[0], step: i, value: i });
        if (i % 4 === 3 && running.length > 0) await other.tell({ trialId: running.shift()!, state: 'COMPLETE', values: [-i] });
        await stepwise.refresh(f.store.db);
        const fresh = new StudyCacheEntry(study);
        await fresh.refresh(f.store.db);
        expect(stepwise.trialList()).toEqual(fresh.trialList());
        expect(stepwise.countByState()).toEqual(fresh.countByState());
      }
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
  });
});
