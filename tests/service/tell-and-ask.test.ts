import { expect, it } from 'vitest';
import type { SearchSpace } from '../../src/core/distribution.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

const SPACE: SearchSpace = { x: { kind: 'float', low: -5, high: 5, log: false } };

describeStores('tellAndAsk: a tell and the next ask in one transaction', (stores) => {
  const f = useServiceFixture(stores);

  it('a FAIL told with the ask gives its budget slot back to that very ask', async () => {
    const name = uniqueName('tell-and-ask-budget');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, maxTrials: 2 });
    const a = await askTrial(f.service, name, SPACE, { workerId: 'a' });
    await askTrial(f.service, name, SPACE, { workerId: 'b' });
    expect(await f.service.ask({ studyName: name, searchSpace: SPACE })).toMatchObject({ kind: 'done' });

    const { told, next } = await f.service.tellAndAsk({
      tell: { trialId: a.id, state: 'FAIL', workerId: 'a' },
      ask: { studyName: name, searchSpace: SPACE, workerId: 'a' },
    });
    expect(told).toMatchObject({ id: a.id, state: 'FAIL' });
    expect(next).toMatchObject({ kind: 'trial', trial: { number: 2, state: 'RUNNING' } });
  });

  it('many workers looping tell-and-ask keep numbers dense, the budget exact and every told value stored', async () => {
    const name = uniqueName('tell-and-ask-workers');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'tpe', options: { nStartupTrials: 5 } }, seed: 7, maxTrials: 60 });
    const told = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        const workerId = `w${w}`;
        let result = await f.service.ask({ studyName: name, searchSpace: SPACE, workerId });
        while (result.kind === 'trial') {
          const value = Number(result.trial.params.x) ** 2;
          told.set(result.trial.number, value);
          const answer = await f.service.tellAndAsk({
            tell: { trialId: result.trial.id, state: 'COMPLETE', values: [value], workerId },
            ask: { studyName: name, searchSpace: SPACE, workerId },
          });
          expect(answer.told).toMatchObject({ id: result.trial.id, state: 'COMPLETE', values: [value] });
          result = answer.next;
        }
      }),
    );
    const page = await f.service.listTrials({ studyName: name, pageSize: 100 });
    expect(page.items.map((t) => t.number).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    for (const trial of page.items) {
      expect(trial.state).toBe('COMPLETE');
      expect(trial.values).toEqual([told.get(trial.number)]);
    }
  });

  it('a tell refused for its lease fails the call with the status of the tell and starts no trial', async () => {
    const name = uniqueName('tell-and-ask-lease');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const a = await askTrial(f.service, name, SPACE, { workerId: 'a' });
    const error = await f.service
      .tellAndAsk({ tell: { trialId: a.id, state: 'COMPLETE', values: [1], workerId: 'intruder' }, ask: { studyName: name, searchSpace: SPACE } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FAILED_PRECONDITION' });
    const page = await f.service.listTrials({ studyName: name, pageSize: 10 });
    expect(page.items.map((t) => [t.number, t.state])).toEqual([[0, 'RUNNING']]);
  });

  it('a retried call with the same request ids answers the same told and next trials and creates nothing', async () => {
    const name = uniqueName('tell-and-ask-retry');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const a = await askTrial(f.service, name, SPACE, { workerId: 'a' });
    const call = () =>
      f.service.tellAndAsk({
        tell: { trialId: a.id, state: 'COMPLETE', values: [2], workerId: 'a', requestId: 'tell-1' },
        ask: { studyName: name, searchSpace: SPACE, workerId: 'a', requestId: 'ask-1' },
      });
    // The original and its retry racing in one batch, then a retry after both committed.
    const [first, racing] = await Promise.all([call(), call()]);
    const later = await call();
    for (const again of [racing, later]) {
      expect(again.told).toMatchObject({ id: a.id, state: 'COMPLETE', values: [2] });
      expect(again.next).toEqual(first.next);
    }
    expect((await f.service.listTrials({ studyName: name, pageSize: 10 })).items).toHaveLength(2);
  });

  it('names the refused field under tell. or ask.', async () => {
    const name = uniqueName('tell-and-ask-fields');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const a = await askTrial(f.service, name, SPACE);
    const wrongCount = await f.service
      .tellAndAsk({ tell: { trialId: a.id, state: 'COMPLETE', values: [1, 2] }, ask: { studyName: name, searchSpace: SPACE } })
      .catch((e: unknown) => e);
    expect(wrongCount).toBeInstanceOf(InvalidArgumentError);
    expect(wrongCount).toMatchObject({ field: 'tell.values' });
    const badSpace = await f.service
      .tellAndAsk({ tell: { trialId: a.id, state: 'COMPLETE', values: [1] }, ask: { studyName: name, searchSpace: { x: { kind: 'float', low: 2, high: 1, log: false } } } })
      .catch((e: unknown) => e);
    expect(badSpace).toMatchObject({ field: expect.stringMatching(/^ask\./) });
    // Neither call wrote anything: the trial is still running.
    expect((await f.service.listTrials({ studyName: name, pageSize: 10 })).items.map((t) => t.state)).toEqual(['RUNNING']);
  });
});
