import { status as Status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Direction } from '../../src/generated/hpo/v1/study.js';
import { TrialState } from '../../src/generated/hpo/v1/trial.js';
import { connectHpo, rejectionOf } from '../support/grpc-client.js';
import { describeStores, type TestStore } from '../support/test-database.js';
import { catDist, createRequest, floatDist, intDist, plain, serveStore, type ServedStore, spec, value } from './e2e-support.js';

describeStores('HpoService over gRPC', (stores) => {
  let store: TestStore;
  let served: ServedStore;
  beforeAll(async () => {
    store = await stores.open();
    served = await serveStore(store);
  });
  afterAll(async () => {
    await served?.close();
    await store?.close();
  });

  it('creates, loads, gets, lists a page at a time and deletes studies', async () => {
    const { hpo } = served;
    for (const name of ['life-a', 'life-b', 'life-c']) {
      const { study, created } = await hpo.createStudy(createRequest(name));
      expect(created).toBe(true);
      expect(study?.name).toBe(name);
    }
    const again = await rejectionOf(hpo.createStudy(createRequest('life-a')));
    expect(again.code).toBe(Status.ALREADY_EXISTS);
    const loaded = await hpo.createStudy(createRequest('life-a', { loadIfExists: true }));
    expect(loaded.created).toBe(false);

    const { study } = await hpo.getStudy({ studyName: 'life-b' });
    expect(study).toMatchObject({
      name: 'life-b',
      directions: [Direction.DIRECTION_MINIMIZE],
      sampler: { kind: { $case: 'random' } },
      pruner: { kind: { $case: 'nop' } },
      seed: 7,
      trialCounts: { waiting: 0, running: 0, complete: 0, pruned: 0, fail: 0 },
    });

    const names: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await hpo.listStudies({ pageSize: 2, pageToken });
      expect(page.studies.length).toBeLessThanOrEqual(2);
      names.push(...page.studies.map((s) => s.name));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken !== '' && pages < 100);
    expect(names.filter((n) => n.startsWith('life-'))).toEqual(['life-a', 'life-b', 'life-c']);
    expect(new Set(names).size).toBe(names.length);

    await hpo.deleteStudy({ studyName: 'life-b', requestId: '' });
    expect((await rejectionOf(hpo.getStudy({ studyName: 'life-b' }))).code).toBe(Status.NOT_FOUND);
  });

  it('asks with a declared space, suggests define-by-run, reports and tells', async () => {
    const { hpo } = served;
    await hpo.createStudy(createRequest('flow'));
    const { trial, studyDone } = await hpo.ask({
      studyName: 'flow',
      workerId: 'w1',
      requestId: '',
      searchSpace: [
        spec('lr', floatDist(1e-5, 1, { log: true })),
        spec('layers', intDist(2, 8, { step: 2 })),
        spec('opt', catDist('sgd', 'adam', null)),
      ],
    });
    expect(studyDone).toBe(false);
    expect(trial?.number).toBe(0);
    expect(trial?.state).toBe(TrialState.TRIAL_STATE_RUNNING);
    // The proto promises no order for a trial's params (jsonb keeps keys its own way), so look them up by name.
    const byName = new Map(trial!.params.map((p) => [p.name, p]));
    expect([...byName.keys()].sort()).toEqual(['layers', 'lr', 'opt']);
    const [lr, layers, opt] = ['lr', 'layers', 'opt'].map((n) => plain(byName.get(n)?.value));
    expect(lr).toBeGreaterThanOrEqual(1e-5);
    expect(lr).toBeLessThanOrEqual(1);
    expect([2, 4, 6, 8]).toContain(layers);
    expect(['sgd', 'adam', null]).toContain(opt);
    expect(byName.get('opt')?.internalValue).toBe(['sgd', 'adam', null].indexOf(opt as string | null));
    expect(byName.get('lr')?.distribution).toEqual(floatDist(1e-5, 1, { log: true }));

    const trialId = trial!.trialId;
    const first = await hpo.suggest({ trialId, workerId: 'w1', params: [spec('dropout', floatDist(0, 0.5)), spec('lr', floatDist(1e-5, 1, { log: true }))] });
    expect(first.params.map((p) => p.name)).toEqual(['dropout', 'lr']);
    expect(plain(first.params[1].value)).toBe(lr);
    const second = await hpo.suggest({ trialId, workerId: 'w1', params: [spec('dropout', floatDist(0, 0.5))] });
    expect(plain(second.params[0].value)).toBe(plain(first.params[0].value));
    const changed = await rejectionOf(hpo.suggest({ trialId, workerId: 'w1', params: [spec('dropout', floatDist(0, 0.9))] }));
    expect(changed.code).toBe(Status.INVALID_ARGUMENT);
    expect(changed.details).toContain('dropout');

    for (const [step, v] of [[0, 0.9], [1, 0.5], [2, NaN]] as const) {
      const answer = await hpo.report({ trialId, step, value: v, workerId: 'w1', requestId: '' });
      expect(answer.shouldPrune).toBe(false);
    }
    const told = await hpo.tell({
      trialId,
      state: TrialState.TRIAL_STATE_COMPLETE,
      values: [0.42],
      constraints: [-1],
      workerId: 'w1',
      requestId: '',
      failReason: '',
    });
    expect(told.trial).toMatchObject({ state: TrialState.TRIAL_STATE_COMPLETE, values: [0.42], constraints: [-1], number: 0 });
    expect(told.trial?.intermediateValues.map((iv) => iv.step)).toEqual([0, 1, 2]);
    expect(told.trial?.intermediateValues[2].value).toBeNaN();

    const byNumber = await hpo.getTrial({ trialId: 0, studyName: 'flow', number: 0 });
    expect(byNumber.trial?.trialId).toBe(trialId);
    expect(byNumber.trial?.params.map((p) => p.name).sort()).toEqual(['dropout', 'layers', 'lr', 'opt']);
    const { study } = await hpo.getStudy({ studyName: 'flow' });
    expect(study?.trialCounts).toEqual({ waiting: 0, running: 0, complete: 1, pruned: 0, fail: 0 });
  });

  it('hands out an enqueued trial before sampling anything', async () => {
    const { hpo } = served;
    await hpo.createStudy(createRequest('queue'));
    const enqueued = await hpo.enqueueTrial({
      studyName: 'queue',
      params: [
        { name: 'x', value: value(0.25) },
        { name: 'opt', value: value('adam') },
      ],
      userAttrs: [{ key: 'why', value: 'baseline' }],
      requestId: '',
      skipIfExists: false,
    });
    expect(enqueued.trial?.state).toBe(TrialState.TRIAL_STATE_WAITING);
    const { trial } = await hpo.ask({
      studyName: 'queue',
      workerId: '',
      requestId: '',
      searchSpace: [spec('x', floatDist(0, 1)), spec('opt', catDist('sgd', 'adam'))],
    });
    expect(trial?.trialId).toBe(enqueued.trial?.trialId);
    expect(trial?.number).toBe(0);
    expect(Object.fromEntries(trial!.params.map((p) => [p.name, plain(p.value)]))).toEqual({ x: 0.25, opt: 'adam' });
    expect(trial?.userAttrs).toEqual([{ key: 'why', value: 'baseline' }]);
    const next = await hpo.ask({ studyName: 'queue', workerId: '', requestId: '', searchSpace: [spec('x', floatDist(0, 1))] });
    expect(next.trial?.number).toBe(1);
  });

  it('answers the best trial for one objective and the Pareto front for two', async () => {
    const { hpo } = served;
    const runTrials = async (studyName: string, results: number[][]) => {
      for (const values of results) {
        const { trial } = await hpo.ask({ studyName, workerId: '', requestId: '', searchSpace: [spec('x', floatDist(0, 1))] });
        await hpo.tell({ trialId: trial!.trialId, state: TrialState.TRIAL_STATE_COMPLETE, values, constraints: [], workerId: '', requestId: '', failReason: '' });
      }
    };
    await hpo.createStudy(createRequest('best-one'));
    await runTrials('best-one', [[3], [1], [2]]);
    const one = await hpo.getBestTrials({ studyName: 'best-one' });
    expect(one.trials.map((t) => t.number)).toEqual([1]);

    await hpo.createStudy(createRequest('best-two', { directions: [Direction.DIRECTION_MINIMIZE, Direction.DIRECTION_MAXIMIZE] }));
    // (1,1) and (2,3) are on the front; (3,2) is dominated by (2,3); (0,0) is on the front.
    await runTrials('best-two', [[1, 1], [2, 3], [3, 2], [0, 0]]);
    const front = await hpo.getBestTrials({ studyName: 'best-two' });
    expect(front.trials.map((t) => t.number).sort()).toEqual([0, 1, 3]);
  });

  it('keeps study and trial user attributes as JSON', async () => {
    const { hpo } = served;
    await hpo.createStudy(createRequest('attrs', { userAttrs: [{ key: 'owner', value: { team: 'vision', gpus: [0, 1] } }] }));
    await hpo.setStudyUserAttr({ studyName: 'attrs', key: 'note', value: null });
    const { study } = await hpo.getStudy({ studyName: 'attrs' });
    expect(Object.fromEntries(study!.userAttrs.map((a) => [a.key, a.value]))).toEqual({ owner: { team: 'vision', gpus: [0, 1] }, note: null });
    const { trial } = await hpo.ask({ studyName: 'attrs', workerId: '', requestId: '', searchSpace: [] });
    await hpo.setTrialUserAttr({ trialId: trial!.trialId, key: 'host', value: 'gpu-7' });
    const fetched = await hpo.getTrial({ trialId: trial!.trialId, studyName: '', number: 0 });
    expect(fetched.trial?.userAttrs).toEqual([{ key: 'host', value: 'gpu-7' }]);
  });

  it('hands each point of a 10×10 grid to exactly one of 8 concurrent clients', async () => {
    const axis = (name: string) => ({ name, values: Array.from({ length: 10 }, (_, i) => value(i)) });
    await served.hpo.createStudy(createRequest('grid', { sampler: { kind: { $case: 'grid', value: { axes: [axis('x'), axis('y')] } } } }));
    const clients = Array.from({ length: 8 }, () => connectHpo(served.address));
    const points = (
      await Promise.all(
        clients.map(async (hpo) => {
          const mine: string[] = [];
          for (;;) {
            const answer = await hpo.ask({ studyName: 'grid', workerId: '', requestId: '', searchSpace: [spec('x', intDist(0, 9)), spec('y', intDist(0, 9))] });
            if (answer.studyDone) return mine;
            const p = Object.fromEntries(answer.trial!.params.map((q) => [q.name, plain(q.value)]));
            mine.push(`${p.x},${p.y}`);
          }
        }),
      )
    ).flat();
    expect(points).toHaveLength(100);
    expect(new Set(points).size).toBe(100);
    for (const c of clients) c.close();
  });

  it('lists trials by state a page at a time, and extends a running trial\'s lease on heartbeat', async () => {
    const { hpo } = served;
    await hpo.createStudy(createRequest('listing'));
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { trial } = await hpo.ask({ studyName: 'listing', workerId: 'w', requestId: '', searchSpace: [spec('x', floatDist(0, 1))] });
      ids.push(trial!.trialId);
    }
    for (const id of ids.slice(0, 3))
      await hpo.tell({ trialId: id, state: TrialState.TRIAL_STATE_COMPLETE, values: [1], constraints: [], workerId: 'w', requestId: '', failReason: '' });
    const numbers: number[] = [];
    let pageToken = '';
    do {
      const page = await hpo.listTrials({ studyName: 'listing', states: [TrialState.TRIAL_STATE_COMPLETE], pageSize: 2, pageToken });
      expect(page.trials.length).toBeLessThanOrEqual(2);
      numbers.push(...page.trials.map((t) => t.number));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(numbers).toEqual([0, 1, 2]);
    const running = await hpo.listTrials({ studyName: 'listing', states: [TrialState.TRIAL_STATE_RUNNING], pageSize: 0, pageToken: '' });
    expect(running.trials.map((t) => t.number)).toEqual([3, 4]);

    const { leaseExpiresAt } = await hpo.heartbeat({ trialId: ids[4], workerId: 'w' });
    expect(leaseExpiresAt).toBeInstanceOf(Date);
    const { trial } = await hpo.getTrial({ trialId: ids[4], studyName: '', number: 0 });
    expect(trial?.lastHeartbeatAt).toBeInstanceOf(Date);
    expect(trial?.workerId).toBe('w');
  });
});
