import { expect, it } from 'vitest';
import type { SearchSpace } from '../../src/core/distribution.js';
import type { HpoServiceImpl } from '../../src/service/create-hpo-service.js';
import { askTrial, uniqueName, useServiceFixture, X_SPACE } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

describeStores('ask', (stores) => {
  const f = useServiceFixture(stores);

  it('gives dense unique numbers 0..799 to 16 clients x 50 asks through two service instances', async () => {
    const name = uniqueName('dense');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const services = [f.service, f.secondService()];
    const numbers: number[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async (_, client) => {
        const service = services[client % 2];
        for (let i = 0; i < 50; i++) {
          const trial = await askTrial(service, name, X_SPACE, { workerId: `w${client}` });
          numbers.push(trial.number);
        }
      }),
    );
    expect(numbers.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 800 }, (_, i) => i));
    expect((await f.service.getStudy(name)).trialCounts.RUNNING).toBe(800);
  });

  it('hands out each point of a 10x10 grid exactly once to 8 concurrent clients, then answers done', async () => {
    const name = uniqueName('grid');
    const axis = Array.from({ length: 10 }, (_, i) => i);
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'grid', axes: { a: axis, b: axis } } });
    const space: SearchSpace = {
      a: { kind: 'int', low: 0, high: 9, log: false, step: 1 },
      b: { kind: 'int', low: 0, high: 9, log: false, step: 1 },
    };
    const services = [f.service, f.secondService()];
    const points: string[] = [];
    const doneReasons: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (;;) {
          const result = await services[client % 2].ask({ studyName: name, searchSpace: space });
          if (result.kind === 'done') {
            doneReasons.push(result.reason);
            return;
          }
          points.push(`${result.trial.params.a},${result.trial.params.b}`);
          // Half the trials finish, so FAIL-free holding states are exercised both RUNNING and COMPLETE.
          if (points.length % 2 === 0) await services[client % 2].tell({ trialId: result.trial.id, state: 'COMPLETE', values: [1] });
        }
      }),
    );
    expect(points).toHaveLength(100);
    expect(new Set(points).size).toBe(100);
    expect(doneReasons).toHaveLength(8);
    expect(doneReasons[0]).toMatch(/grid/);
    const study = await f.service.getStudy(name);
    expect(study.state).toBe('DONE');
    expect(study.trialCounts.RUNNING + study.trialCounts.COMPLETE).toBe(100);
  });

  it('hands out enqueued trials first, in number order, with their fixed params', async () => {
    const name = uniqueName('enqueued');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const e1 = await f.service.enqueueTrial({ studyName: name, params: { x: 1.5 } });
    const e2 = await f.service.enqueueTrial({ studyName: name, params: { x: -2 } });
    expect([e1.number, e2.number, e1.state]).toEqual([0, 1, 'WAITING']);
    const first = await askTrial(f.service, name);
    const second = await askTrial(f.service, name);
    const third = await askTrial(f.service, name);
    expect([first.number, first.params.x, first.state]).toEqual([0, 1.5, 'RUNNING']);
    expect([second.number, second.params.x]).toEqual([1, -2]);
    expect(third.number).toBe(2);
  });

  it('stops exactly at maxTrials with 8 concurrent clients, and says the study is done', async () => {
    const name = uniqueName('budget');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, maxTrials: 20 });
    let handedOut = 0;
    const reasons = new Set<string>();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (;;) {
          const result = await f.service.ask({ studyName: name, searchSpace: X_SPACE });
          if (result.kind === 'done') {
            reasons.add(result.reason);
            return;
          }
          handedOut++;
          await f.service.tell({ trialId: result.trial.id, state: 'COMPLETE', values: [result.trial.number] });
        }
      }),
    );
    expect(handedOut).toBe(20);
    expect([...reasons][0]).toMatch(/budget of 20/);
    const study = await f.service.getStudy(name);
    expect(study.trialCounts.COMPLETE).toBe(20);
    expect(study.state).toBe('DONE');
  });

  it('does not count failed trials against maxTrials', async () => {
    const name = uniqueName('budget-fail');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, maxTrials: 2 });
    const a = await askTrial(f.service, name);
    await f.service.tell({ trialId: a.id, state: 'FAIL' });
    await askTrial(f.service, name);
    await askTrial(f.service, name);
    expect((await f.service.ask({ studyName: name, searchSpace: X_SPACE })).kind).toBe('done');
  });

  it('counts failed trials against maxTrials when the failure policy says so', async () => {
    const name = uniqueName('budget-count-fail');
    const { study } = await f.service.createStudy({
      name,
      directions: ['minimize'],
      sampler: { kind: 'random' },
      maxTrials: 2,
      failurePolicy: { countFailedTrials: true },
    });
    expect(study.failurePolicy.countFailedTrials).toBe(true);
    const a = await askTrial(f.service, name);
    await f.service.tell({ trialId: a.id, state: 'FAIL' });
    await askTrial(f.service, name);
    expect((await f.service.ask({ studyName: name, searchSpace: X_SPACE })).kind).toBe('done');
    expect((await f.service.getStudy(name)).trialCounts).toMatchObject({ FAIL: 1, RUNNING: 1 });
  });

  it('returns the same trial to a retried ask with the same request id', async () => {
    const name = uniqueName('idempotent-ask');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const first = await askTrial(f.service, name, X_SPACE, { requestId: 'req-1' });
    const again = await Promise.all([1, 2, 3].map(() => askTrial(f.service, name, X_SPACE, { requestId: 'req-1' })));
    expect(again.map((t) => t.id)).toEqual([first.id, first.id, first.id]);
    expect(again[0].params).toEqual(first.params);
    const next = await askTrial(f.service, name, X_SPACE, { requestId: 'req-2' });
    expect(next.number).toBe(1);
  });

  it('gives the same params for the same trial numbers in two studies with the same seed', async () => {
    const seeded = async (service: HpoServiceImpl, name: string) => {
      await service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, seed: 42 });
      const trials = [];
      for (let i = 0; i < 3; i++) trials.push(await askTrial(service, name));
      return trials.map((t) => t.params.x);
    };
    expect(await seeded(f.service, uniqueName('seed-a'))).toEqual(await seeded(f.service, uniqueName('seed-b')));
  });

  it('refuses an unknown study', async () => {
    await expect(f.service.ask({ studyName: uniqueName('missing'), searchSpace: X_SPACE })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
