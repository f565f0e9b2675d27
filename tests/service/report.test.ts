import { expect, it } from 'vitest';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

describeStores('report', (stores) => {
  const f = useServiceFixture(stores);

  async function running() {
    const name = uniqueName('report');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    return askTrial(f.service, name);
  }

  it('keeps NaN and ±Infinity intermediate values exactly, by step, whatever order the steps come in', async () => {
    const trial = await running();
    for (const [step, value] of [
      [5, Number.NaN],
      [1, Number.POSITIVE_INFINITY],
      [3, Number.NEGATIVE_INFINITY],
      [0, -0.125],
      [2, 1e-308],
    ] as const) {
      const decision = await f.service.report({ trialId: trial.id, step, value });
      expect(decision.shouldPrune).toBe(false);
    }
    const stored = await f.service.getTrial({ trialId: trial.id });
    expect([...stored.intermediateValues.entries()]).toEqual([
      [0, -0.125],
      [1, Infinity],
      [2, 1e-308],
      [3, -Infinity],
      [5, Number.NaN],
    ]);
  });

  it('treats the same value again at a step as a no-op and a different value as an error naming the step', async () => {
    const trial = await running();
    await f.service.report({ trialId: trial.id, step: 7, value: Number.NaN });
    await expect(f.service.report({ trialId: trial.id, step: 7, value: Number.NaN })).resolves.toMatchObject({ shouldPrune: false });
    await f.service.report({ trialId: trial.id, step: 8, value: 0.5 });
    await expect(f.service.report({ trialId: trial.id, step: 8, value: 0.5 })).resolves.toBeDefined();
    await expect(f.service.report({ trialId: trial.id, step: 8, value: 0.25 })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/step 8/),
    });
    const stored = await f.service.getTrial({ trialId: trial.id });
    expect(stored.intermediateValues.get(8)).toBe(0.5);
  });

  it('refuses a report after tell', async () => {
    const trial = await running();
    await f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1] });
    await expect(f.service.report({ trialId: trial.id, step: 0, value: 1 })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/report after tell/),
    });
  });

  it('refuses negative, fractional and unsafe steps', async () => {
    const trial = await running();
    for (const step of [-1, 1.5, 2 ** 53, Number.NaN]) {
      await expect(f.service.report({ trialId: trial.id, step, value: 1 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        field: 'step',
      });
    }
    expect((await f.service.getTrial({ trialId: trial.id })).intermediateValues.size).toBe(0);
  });

  it('renews the lease: a report counts as a heartbeat', async () => {
    const trial = await running();
    f.clock.advance(30);
    await f.service.report({ trialId: trial.id, step: 0, value: 1 });
    const stored = await f.service.getTrial({ trialId: trial.id });
    expect(stored.lastHeartbeatAt?.getTime()).toBe(f.clock.now().getTime());
  });

  it('tells PRUNED without values as the last intermediate value', async () => {
    const trial = await running();
    await f.service.report({ trialId: trial.id, step: 2, value: 0.75 });
    await f.service.report({ trialId: trial.id, step: 1, value: 0.5 });
    const told = await f.service.tell({ trialId: trial.id, state: 'PRUNED' });
    expect(told.values).toEqual([0.75]);
  });

  it('replays a retried report (same request id) even after the trial was told', async () => {
    const trial = await running();
    const first = await f.service.report({ trialId: trial.id, step: 0, value: 2, requestId: 'rep-1' });
    await f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [2] });
    await expect(f.service.report({ trialId: trial.id, step: 0, value: 2, requestId: 'rep-1' })).resolves.toEqual(first);
    await expect(f.service.report({ trialId: trial.id, step: 0, value: 2 })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });
});
