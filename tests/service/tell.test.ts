import { expect, it } from 'vitest';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

describeStores('tell', (stores) => {
  const f = useServiceFixture(stores);

  async function running(directions: Array<'minimize' | 'maximize'> = ['minimize']) {
    const name = uniqueName('tell');
    await f.service.createStudy({ name, directions, sampler: { kind: 'random' } });
    return askTrial(f.service, name);
  }

  it('completes a trial with one finite value per objective and constraints', async () => {
    const trial = await running(['minimize', 'maximize']);
    const told = await f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1.5, -2], constraints: [-1, 0] });
    expect(told).toMatchObject({ state: 'COMPLETE', values: [1.5, -2], constraints: [-1, 0] });
    expect(told.completedAt).toBeInstanceOf(Date);
    expect(await f.service.getTrial({ trialId: trial.id })).toMatchObject({ state: 'COMPLETE', values: [1.5, -2] });
  });

  it('refuses NaN or Infinity in values and constraints, naming the element, and stores nothing', async () => {
    const trial = await running(['minimize', 'minimize']);
    await expect(f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1, Number.NaN] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'values[1]',
    });
    await expect(f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [Infinity, 1] })).rejects.toMatchObject({
      field: 'values[0]',
    });
    await expect(
      f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1, 1], constraints: [-Infinity] }),
    ).rejects.toMatchObject({ field: 'constraints[0]' });
    await expect(f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'values',
    });
    expect((await f.service.getTrial({ trialId: trial.id })).state).toBe('RUNNING');
  });

  it('refuses states other than COMPLETE, PRUNED and FAIL', async () => {
    const trial = await running();
    for (const state of ['RUNNING', 'WAITING', 'DONE'] as const) {
      await expect(f.service.tell({ trialId: trial.id, state: state as 'RUNNING' })).rejects.toMatchObject({ field: 'state' });
    }
  });

  it('refuses to tell a finished trial something else, leaving it unchanged', async () => {
    const trial = await running();
    await f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1] });
    await expect(f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [2] })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
    await expect(f.service.tell({ trialId: trial.id, state: 'FAIL' })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect((await f.service.getTrial({ trialId: trial.id })).values).toEqual([1]);
  });

  it('answers a retried tell (same request id, or same outcome) with the stored trial', async () => {
    const trial = await running();
    const first = await f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [3], requestId: 'tell-1' });
    const retried = await f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [3], requestId: 'tell-1' });
    expect(retried).toEqual(first);
    const same = await f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [3] });
    expect(same.values).toEqual([3]);
    expect(same.completedAt).toEqual(first.completedAt);
  });

  it('keeps a failure reason in the user attribute fail_reason', async () => {
    const trial = await running();
    const told = await f.service.tell({ trialId: trial.id, state: 'FAIL', failReason: 'CUDA out of memory' });
    expect(told.state).toBe('FAIL');
    expect(told.userAttrs.fail_reason).toBe('CUDA out of memory');
    expect(told.values).toBeNull();
  });

  it('refuses values with FAIL and a tell from a worker that does not hold the trial', async () => {
    const name = uniqueName('tell-worker');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const trial = await askTrial(f.service, name, undefined, { workerId: 'w1' });
    await expect(f.service.tell({ trialId: trial.id, state: 'FAIL', values: [1] })).rejects.toMatchObject({ field: 'values' });
    await expect(f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1], workerId: 'w2' })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
    await expect(f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1], workerId: 'w1' })).resolves.toBeDefined();
  });
});
