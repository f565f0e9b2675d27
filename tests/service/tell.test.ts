import pg from 'pg';
import { expect, it } from 'vitest';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describePostgres, describeStores } from '../support/test-database.js';

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

describePostgres('tell racing its original in another process', (stores) => {
  const f = useServiceFixture(stores);

  it('answers a retry that waited on the row lock of its committing original with the trial the original stored', async () => {
    const name = uniqueName('tell-race');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const trial = await askTrial(f.service, name);
    // The original, in another process's transaction: it holds the row, finishes it and remembers its request id.
    const original = new pg.Client({ connectionString: f.store.url });
    await original.connect();
    try {
      await original.query('begin');
      await original.query('select id from trials where id = $1 for update', [trial.id]);
      const retry = f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [3], requestId: 'raced-1' });
      // The retry's batch is waiting for the row (its statement's snapshot cannot see the original's id).
      await new Promise((resolve) => setTimeout(resolve, 200));
      await original.query(`update trials set state = 'COMPLETE', "values" = '{3}', completed_at = now(), last_heartbeat_at = now() where id = $1`, [trial.id]);
      await original.query(`insert into request_ids (method, key, response) values ('Tell', 'raced-1', $1)`, [JSON.stringify({ trialId: trial.id })]);
      await original.query('commit');
      const answered = await retry;
      expect(answered).toMatchObject({ id: trial.id, state: 'COMPLETE', values: [3] });
      // Written once: by the original.
      const { rows } = await original.query('select revision from trials where id = $1', [trial.id]);
      expect(rows[0].revision).toBe(1);
    } finally {
      await original.end();
    }
  });
});
