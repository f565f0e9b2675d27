import { expect, it } from 'vitest';
import type { Distribution } from '../../src/core/distribution.js';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

const LR: Distribution = { kind: 'float', low: 1e-5, high: 1, log: true };
const LAYERS: Distribution = { kind: 'int', low: 1, high: 8, log: false, step: 1 };
const OPT: Distribution = { kind: 'categorical', choices: ['adam', 'sgd', null, true, 3] };

describeStores('suggest (define-by-run)', (stores) => {
  const f = useServiceFixture(stores);

  async function runningTrial(enqueue?: Record<string, number | string>) {
    const name = uniqueName('suggest');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    if (enqueue) await f.service.enqueueTrial({ studyName: name, params: enqueue });
    return { name, trial: await askTrial(f.service, name, {}) };
  }

  it('samples several params in one call, in order, each inside its distribution', async () => {
    const { trial } = await runningTrial();
    const out = await f.service.suggest({
      trialId: trial.id,
      params: [
        { name: 'lr', distribution: LR },
        { name: 'layers', distribution: LAYERS },
        { name: 'opt', distribution: OPT },
      ],
    });
    expect(out.map((p) => p.name)).toEqual(['lr', 'layers', 'opt']);
    expect(out[0].value as number).toBeGreaterThanOrEqual(1e-5);
    expect(out[0].value as number).toBeLessThanOrEqual(1);
    expect(Number.isInteger(out[1].value)).toBe(true);
    expect(OPT.kind === 'categorical' && OPT.choices).toContain(out[2].value);
    expect(out[2].internal).toBe(OPT.kind === "categorical" ? OPT.choices.indexOf(out[2].value) : -1);
    const stored = await f.service.getTrial({ trialId: trial.id });
    expect(stored.params).toEqual({ lr: out[0].value, layers: out[1].value, opt: out[2].value });
    expect(stored.distributions.lr).toEqual(LR);
  });

  it('returns the same value when a param is suggested again with the same distribution', async () => {
    const { trial } = await runningTrial();
    const [first] = await f.service.suggest({ trialId: trial.id, params: [{ name: 'lr', distribution: LR }] });
    const [again] = await f.service.suggest({ trialId: trial.id, params: [{ name: 'lr', distribution: { ...LR } }] });
    expect(again.value).toBe(first.value);
  });

  it('refuses a param suggested again with a different distribution, and stores nothing from that call', async () => {
    const { trial } = await runningTrial();
    await f.service.suggest({ trialId: trial.id, params: [{ name: 'lr', distribution: LR }] });
    const call = f.service.suggest({
      trialId: trial.id,
      params: [
        { name: 'new', distribution: LAYERS },
        { name: 'lr', distribution: { kind: 'float', low: 0, high: 1, log: false } },
      ],
    });
    await expect(call).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'params[1].distribution' });
    const stored = await f.service.getTrial({ trialId: trial.id });
    expect(Object.keys(stored.params)).toEqual(['lr']);
  });

  it('uses an enqueued trial’s fixed value, and refuses one outside the suggested distribution', async () => {
    const { trial } = await runningTrial({ layers: 3, bad: 100 });
    const [layers] = await f.service.suggest({ trialId: trial.id, params: [{ name: 'layers', distribution: LAYERS }] });
    expect(layers.value).toBe(3);
    await expect(
      f.service.suggest({ trialId: trial.id, params: [{ name: 'bad', distribution: LAYERS }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses to suggest for a finished trial, and for another worker’s trial', async () => {
    const name = uniqueName('suggest-finished');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const trial = await askTrial(f.service, name, {}, { workerId: 'w1' });
    await expect(
      f.service.suggest({ trialId: trial.id, params: [{ name: 'lr', distribution: LR }], workerId: 'w2' }),
    ).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/held by worker "w1"/) });
    await f.service.tell({ trialId: trial.id, state: 'COMPLETE', values: [1] });
    await expect(f.service.suggest({ trialId: trial.id, params: [{ name: 'lr', distribution: LR }] })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
  });

  it('returns params declared at ask time when suggested with the same distribution', async () => {
    const name = uniqueName('suggest-declared');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const trial = await askTrial(f.service, name, { lr: LR });
    const [lr] = await f.service.suggest({ trialId: trial.id, params: [{ name: 'lr', distribution: LR }] });
    expect(lr.value).toBe(trial.params.lr);
  });
});
