import { describe, expect, it } from 'vitest';
import { StudyCache } from '../../src/service/study-cache.js';
import type { StudyRow } from '../../src/storage/database.js';
import { askTrial, uniqueName, useServiceFixture, X_SPACE } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

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
