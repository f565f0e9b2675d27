import { expect, it } from 'vitest';
import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  StudyDone,
  StudyNotFound,
} from '@hpo/client';
import { describeStores } from '../../support/test-database.js';
import { useServedSdk } from './served-store.js';

describeStores('ask-and-tell, enqueue and typed errors through the SDK', (stores) => {
  const sdk = useServedSdk(stores);


  it('asks with a declared space, tells values, and refuses a second tell without changing anything', async () => {
    const study = await sdk.client.createStudy({ name: 'ask-tell', direction: 'maximize', sampler: { random: {} }, seed: 11 });
    const trial = await study.ask({
      lr: { kind: 'float', low: 1e-4, high: 1e-1, log: true },
      units: { kind: 'int', low: 16, high: 64, step: 16 },
      act: { kind: 'categorical', choices: ['relu', 'gelu', null] },
    });
    expect(Object.keys(trial.params).sort()).toEqual(['act', 'lr', 'units']);
    expect([16, 32, 48, 64]).toContain(trial.params.units);
    // The declared params are known locally: suggesting one again costs no round trip and gives the same value.
    expect(await trial.suggestInt('units', 16, 64, { step: 16 })).toBe(trial.params.units);

    await trial.setUserAttr('note', { gpu: 0 });
    const told = await study.tell(trial, 0.75);
    expect(told).toMatchObject({ state: 'COMPLETE', values: [0.75], userAttrs: { note: { gpu: 0 } } });
    await expect(study.tell(trial, 0.9)).rejects.toBeInstanceOf(FailedPrecondition);
    expect((await study.trial(trial.number)).values).toEqual([0.75]);
  });

  it("aborts a trial's signal once the trial is told, whether the signal was read before the tell or after", async () => {
    const study = await sdk.client.createStudy({ name: 'signal-on-tell', direction: 'minimize', sampler: { random: {} } });
    const early = await study.ask();
    const signal = early.signal;
    const fired: unknown[] = [];
    signal.addEventListener('abort', () => fired.push(signal.reason));
    expect(signal.aborted).toBe(false);
    await study.tell(early, 1);
    expect(signal.aborted).toBe(true);
    expect(String(fired[0])).toMatch(/finished/);

    const late = await study.ask();
    await study.tell(late, 2);
    expect(late.signal.aborted).toBe(true);
    expect(String(late.signal.reason)).toMatch(/finished/);
    // The same signal on every read.
    expect(late.signal).toBe(late.signal);
  });

  it('rejects a NaN tell as InvalidArgument and lets the trial be told again', async () => {
    const study = await sdk.client.createStudy({ name: 'nan-tell', direction: 'minimize', sampler: { random: {} } });
    const trial = await study.ask();
    const error = await study.tell(trial, NaN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgument);
    expect((error as InvalidArgument).message).toMatch(/NaN|finite/);
    await expect(study.tell(trial, 1)).resolves.toMatchObject({ state: 'COMPLETE', values: [1] });
  });

  it('tells PRUNED and FAIL (with the reason kept), also by trial number', async () => {
    const study = await sdk.client.createStudy({ name: 'states', direction: 'minimize', sampler: { random: {} } });
    const a = await study.ask();
    await a.report(3, 0);
    expect(await study.tell(a, 'PRUNED')).toMatchObject({ state: 'PRUNED' });
    const b = await study.ask();
    expect(await study.tell(b.number, { state: 'FAIL', failReason: 'CUDA out of memory' })).toMatchObject({
      state: 'FAIL',
      userAttrs: { fail_reason: 'CUDA out of memory' },
    });
  });

  it('hands out enqueued trials first, with their fixed params', async () => {
    const study = await sdk.client.createStudy({ name: 'enqueue', direction: 'minimize', sampler: { random: {} } });
    const waiting = await study.enqueueTrial({ lr: 0.01, opt: 'adam' }, { userAttrs: { source: 'by hand' } });
    expect(waiting).toMatchObject({ state: 'WAITING', params: { lr: 0.01, opt: 'adam' } });
    const trial = await study.ask();
    expect(trial.number).toBe(waiting.number);
    expect(await trial.suggestFloat('lr', 1e-4, 1)).toBe(0.01);
    expect(await trial.suggestCategorical('opt', ['sgd', 'adam'])).toBe('adam');
    expect(trial.userAttrs.source).toBe('by hand');
    await study.tell(trial, 1);
    expect(await study.trials({ states: ['WAITING'] })).toEqual([]);
  });

  it('pages through many trials with study.trials', async () => {
    const study = await sdk.client.createStudy({ name: 'paging', direction: 'minimize', sampler: { random: {} } });
    for (let i = 0; i < 7; i++) await study.tell(await study.ask(), i);
    const all = await study.trials({ pageSize: 3 });
    expect(all.map((t) => t.value)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect((await study.trials({ states: ['COMPLETE'], pageSize: 2 })).length).toBe(7);
  });

  it('maps sdk.server errors to typed errors carrying the sdk.server message', async () => {
    const error = await sdk.client.loadStudy('no-such-study').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudyNotFound);
    expect((error as Error).message).toContain('no-such-study');
    await sdk.client.createStudy({ name: 'dup', direction: 'minimize' });
    await expect(sdk.client.createStudy({ name: 'dup', direction: 'minimize' })).rejects.toBeInstanceOf(AlreadyExists);
    const loaded = await sdk.client.createStudy({ name: 'dup', direction: 'minimize', loadIfExists: true });
    expect(loaded.created).toBe(false);
    await expect(sdk.client.createStudy({ name: 'bad-pruner', direction: 'minimize', pruner: { percentile: { percentile: 250 } } })).rejects.toThrow(
      /percentile/,
    );
  });

  it('lists and deletes studies', async () => {
    await sdk.client.createStudy({ name: 'to-delete', direction: 'minimize' });
    expect((await sdk.client.listStudies()).map((s) => s.name)).toContain('to-delete');
    await sdk.client.deleteStudy('to-delete');
    expect((await sdk.client.listStudies()).map((s) => s.name)).not.toContain('to-delete');
    await expect(sdk.client.loadStudy('to-delete')).rejects.toBeInstanceOf(StudyNotFound);
  });

  it('throws StudyDone from ask once the budget is spent', async () => {
    const study = await sdk.client.createStudy({ name: 'done', direction: 'minimize', maxTrials: 1, sampler: { random: {} } });
    await study.tell(await study.ask(), 1);
    await expect(study.ask()).rejects.toBeInstanceOf(StudyDone);
  });
});
