import { expect, it } from 'vitest';
import { askTrial, uniqueName, useServiceFixture, X_SPACE } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

describeStores('leases and the reaper', (stores) => {
  const f = useServiceFixture(stores);

  async function study(maxRetries: number, grace = 10) {
    const name = uniqueName('lease');
    await f.service.createStudy({
      name,
      directions: ['minimize'],
      sampler: { kind: 'random' },
      failurePolicy: { heartbeatGraceSeconds: grace, maxRetries },
    });
    return name;
  }

  /** Runs the reaper (which sweeps every study in the store) and returns how many trials of `name` it failed. */
  async function reap(name: string): Promise<number> {
    const before = (await f.service.getStudy(name)).trialCounts.FAIL;
    await f.service.reapExpiredTrials();
    return (await f.service.getStudy(name)).trialCounts.FAIL - before;
  }

  it('fails a silent trial after the grace period and retries it with the same params; the late tell is refused', async () => {
    const name = await study(1);
    const trial = await askTrial(f.service, name, X_SPACE, { workerId: 'w1' });
    f.clock.advance(5);
    expect(await reap(name)).toBe(0);
    f.clock.advance(6);
    expect(await reap(name)).toBe(1);

    const failed = await f.service.getTrial({ trialId: trial.id });
    expect(failed.state).toBe('FAIL');
    expect(String(failed.userAttrs.fail_reason)).toMatch(/lease expired/);
    const waiting = await f.service.listTrials({ studyName: name, states: ['WAITING'] });
    expect(waiting.items).toHaveLength(1);
    expect(waiting.items[0]).toMatchObject({ retryOf: trial.number, params: trial.params });

    await expect(
      f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1], workerId: 'w1' }),
    ).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/lease expired/) });
    await expect(f.service.report({ trialId: trial.id, step: 1, value: 1, workerId: 'w1' })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    });

    const retried = await askTrial(f.service, name, X_SPACE, { workerId: 'w2' });
    expect(retried.number).toBe(waiting.items[0].number);
    expect(retried.params).toEqual(trial.params);
    expect(retried.retryOf).toBe(trial.number);
  });

  it('keeps a trial alive while heartbeats arrive, and reports when the lease ends', async () => {
    const name = await study(0);
    const trial = await askTrial(f.service, name, X_SPACE, { workerId: 'w1' });
    for (let i = 0; i < 3; i++) {
      f.clock.advance(8);
      const { leaseExpiresAt } = await f.service.heartbeat({ trialId: trial.id, workerId: 'w1' });
      expect(leaseExpiresAt?.getTime()).toBe(f.clock.now().getTime() + 10_000);
      expect(await reap(name)).toBe(0);
    }
    await expect(f.service.heartbeat({ trialId: trial.id, workerId: 'w2' })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/held by worker "w1"/),
    });
    f.clock.advance(11);
    expect(await reap(name)).toBe(1);
    // No retries allowed: nothing waits.
    expect((await f.service.listTrials({ studyName: name, states: ['WAITING'] })).items).toHaveLength(0);
    await expect(f.service.heartbeat({ trialId: trial.id, workerId: 'w1' })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('stops retrying after maxRetries', async () => {
    const name = await study(1);
    await askTrial(f.service, name);
    f.clock.advance(11);
    expect(await reap(name)).toBe(1);
    const retry = await askTrial(f.service, name);
    expect(retry.retryOf).toBe(0);
    f.clock.advance(11);
    expect(await reap(name)).toBe(1);
    const counts = (await f.service.getStudy(name)).trialCounts;
    expect(counts).toMatchObject({ FAIL: 2, WAITING: 0, RUNNING: 0 });
  });

  it('never reaps trials of a study whose grace period is 0', async () => {
    const name = await study(0, 0);
    const trial = await askTrial(f.service, name);
    f.clock.advance(10_000);
    expect(await reap(name)).toBe(0);
    expect((await f.service.getTrial({ trialId: trial.id })).state).toBe('RUNNING');
  });

  it('fails and retries a trial once when two servers reap at the same time', async () => {
    const name = await study(3);
    const other = f.secondService();
    const trial = await askTrial(f.service, name);
    f.clock.advance(11);
    await Promise.all([f.service.reapExpiredTrials(), other.reapExpiredTrials(), f.service.reapExpiredTrials()]);
    const counts = (await f.service.getStudy(name)).trialCounts;
    expect(counts).toMatchObject({ FAIL: 1, WAITING: 1, RUNNING: 0 });
    const [retry] = (await f.service.listTrials({ studyName: name, states: ['WAITING'] })).items;
    expect(retry.retryOf).toBe(trial.number);
  });

  it('lets either the late tell or the reaper win a race for each trial, never both', async () => {
    const name = await study(1);
    const other = f.secondService();
    const trials = [];
    for (let i = 0; i < 12; i++) trials.push(await askTrial(f.service, name, X_SPACE, { workerId: `w${i}` }));
    f.clock.advance(11);
    const tells = trials.map((t, i) =>
      (i % 2 ? other : f.service)
        .tell({ trialId: t.id, state: 'COMPLETE', values: [i], workerId: `w${i}` })
        .then(() => 'told' as const, (e: { code?: string }) => e.code ?? 'error'),
    );
    const [outcomes] = await Promise.all([Promise.all(tells), f.service.reapExpiredTrials(), other.reapExpiredTrials()]);
    const all = (await f.service.listTrials({ studyName: name })).items;
    for (const [i, t] of trials.entries()) {
      const stored = all.find((x) => x.id === t.id)!;
      const retries = all.filter((x) => x.retryOf === t.number);
      if (outcomes[i] === 'told') {
        expect(stored.state).toBe('COMPLETE');
        expect(retries).toHaveLength(0);
      } else {
        expect(outcomes[i]).toBe('FAILED_PRECONDITION');
        expect(stored.state).toBe('FAIL');
        expect(retries).toHaveLength(1);
      }
    }
  });

  it('reaps more expired trials than one batch in one round', async () => {
    const name = await study(0);
    await Promise.all(Array.from({ length: 150 }, () => askTrial(f.service, name)));
    f.clock.advance(11);
    expect(await reap(name)).toBe(150);
    expect((await f.service.getStudy(name)).trialCounts.RUNNING).toBe(0);
  });
});
