import { expect, it } from 'vitest';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

describeStores('trial queries and best trials', (stores) => {
  const f = useServiceFixture(stores);

  async function studyWith(directions: Array<'minimize' | 'maximize'>, outcomes: Array<{ values?: number[]; constraints?: number[]; state?: 'COMPLETE' | 'FAIL' | 'PRUNED' | 'RUNNING' }>) {
    const name = uniqueName('best');
    await f.service.createStudy({ name, directions, sampler: { kind: 'random' } });
    for (const o of outcomes) {
      const trial = await askTrial(f.service, name);
      if (o.state === 'RUNNING') continue;
      await f.service.tell({ trialId: trial.id, state: o.state ?? 'COMPLETE', values: o.values, constraints: o.constraints });
    }
    return name;
  }

  it('lists trials in number order, filtered by state, page by page', async () => {
    const name = await studyWith(['minimize'], [{ values: [1] }, { state: 'FAIL' }, { values: [2] }, { state: 'RUNNING' }, { values: [3] }]);
    const all: number[] = [];
    let token = '';
    do {
      const page = await f.service.listTrials({ studyName: name, pageSize: 2, pageToken: token });
      all.push(...page.items.map((t) => t.number));
      token = page.nextPageToken;
    } while (token);
    expect(all).toEqual([0, 1, 2, 3, 4]);
    const complete = await f.service.listTrials({ studyName: name, states: ['COMPLETE'] });
    expect(complete.items.map((t) => t.number)).toEqual([0, 2, 4]);
    expect(complete.nextPageToken).toBe('');
    // A token from one listing is refused by another.
    const first = await f.service.listTrials({ studyName: name, pageSize: 1 });
    await expect(
      f.service.listTrials({ studyName: name, states: ['FAIL'], pageToken: first.nextPageToken }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'page_token' });
  });

  it('finds trials by id and by study and number', async () => {
    const name = await studyWith(['minimize'], [{ values: [1] }, { values: [2] }]);
    const byNumber = await f.service.getTrial({ studyName: name, number: 1 });
    expect(byNumber).toMatchObject({ number: 1, values: [2], studyName: name });
    expect(await f.service.getTrial({ trialId: byNumber.id })).toEqual(byNumber);
  });

  it('best trial of one objective: the lowest (or highest) value, ties to the lowest number', async () => {
    const name = await studyWith(['minimize'], [{ values: [3] }, { values: [1] }, { values: [1] }, { state: 'FAIL' }, { state: 'RUNNING' }]);
    expect((await f.service.bestTrials(name)).map((t) => t.number)).toEqual([1]);
    const max = await studyWith(['maximize'], [{ values: [3] }, { values: [5] }, { values: [4] }]);
    expect((await f.service.bestTrials(max)).map((t) => t.number)).toEqual([1]);
    const none = await studyWith(['minimize'], [{ state: 'FAIL' }]);
    expect(await f.service.bestTrials(none)).toEqual([]);
  });

  it('best trials of several objectives: the Pareto front', async () => {
    const name = await studyWith(['minimize', 'maximize'], [{ values: [1, 1] }, { values: [2, 3] }, { values: [2, 2] }, { values: [0, 0] }]);
    expect((await f.service.bestTrials(name)).map((t) => t.number).sort()).toEqual([0, 1, 3]);
  });

  it('with constraints only feasible trials count', async () => {
    const name = await studyWith(['minimize'], [
      { values: [0], constraints: [1] },
      { values: [5], constraints: [0] },
      { values: [4], constraints: [-1, 0.5] },
    ]);
    expect((await f.service.bestTrials(name)).map((t) => t.number)).toEqual([1]);
  });

  it('sets trial user attributes key by key', async () => {
    const name = await studyWith(['minimize'], [{ state: 'RUNNING' }]);
    const [trial] = (await f.service.listTrials({ studyName: name })).items;
    await f.service.setTrialUserAttr({ trialId: trial.id, key: 'gpu', value: 'a100' });
    await f.service.setTrialUserAttr({ trialId: trial.id, key: 'epochs', value: [1, 2] });
    expect((await f.service.getTrial({ trialId: trial.id })).userAttrs).toEqual({ gpu: 'a100', epochs: [1, 2] });
  });

  it('enqueue with skipIfExists returns the existing trial with the same params', async () => {
    const name = uniqueName('skip');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const a = await f.service.enqueueTrial({ studyName: name, params: { x: 1, opt: 'adam' } });
    const b = await f.service.enqueueTrial({ studyName: name, params: { opt: 'adam', x: 1 }, skipIfExists: true });
    const c = await f.service.enqueueTrial({ studyName: name, params: { x: 2, opt: 'adam' }, skipIfExists: true });
    expect(b.id).toBe(a.id);
    expect(c.number).toBe(1);
    const d = await f.service.enqueueTrial({ studyName: name, params: { x: 3 }, requestId: 'enq-1' });
    const e = await f.service.enqueueTrial({ studyName: name, params: { x: 3 }, requestId: 'enq-1' });
    expect(e.id).toBe(d.id);
  });
});
