import { expect, it } from 'vitest';
import { type FrozenTrial, InvalidArgument, type OptimizeProgress, TrialPruned } from '@hpo/client';
import { describeStores } from '../../support/test-database.js';
import { useServedSdk } from './served-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeStores('study.optimize against a real server', (stores) => {
  const sdk = useServedSdk(stores);


  it('runs nTrials trials with concurrency, stores each COMPLETE with its value, and finds the best', async () => {
    const study = await sdk.client.createStudy({ name: 'full-run', direction: 'minimize', seed: 1, sampler: { tpe: { nStartupTrials: 4 } } });
    const progress: OptimizeProgress[] = [];
    const seen: FrozenTrial[] = [];
    const result = await study.optimize(
      async (trial) => {
        const x = await trial.suggestFloat('x', -5, 5);
        const n = await trial.suggestInt('n', 1, 4);
        const opt = await trial.suggestCategorical('opt', ['adam', 'sgd']);
        return (x - 1) ** 2 + n + (opt === 'sgd' ? 1 : 0);
      },
      { nTrials: 12, concurrency: 3, callbacks: [(_s, t) => void seen.push(t)], onProgress: (p) => void progress.push(p) },
    );

    expect(result).toMatchObject({ stoppedBy: 'nTrials', started: 12, complete: 12, pruned: 0, failed: 0, lost: 0 });
    const trials = await study.trials();
    expect(trials.map((t) => t.number)).toEqual([...Array(12).keys()]);
    expect(trials.every((t) => t.state === 'COMPLETE' && t.values?.length === 1)).toBe(true);
    for (const t of trials) {
      const { x, n, opt } = t.params as { x: number; n: number; opt: string };
      expect(t.value).toBeCloseTo((x - 1) ** 2 + n + (opt === 'sgd' ? 1 : 0), 10);
    }
    const best = await study.bestTrial();
    expect(best?.value).toBe(Math.min(...trials.map((t) => t.value!)));
    expect(seen.map((t) => t.number).sort((a, b) => a - b)).toEqual(trials.map((t) => t.number));
    expect(progress).toHaveLength(12);
    expect(progress.at(-1)).toMatchObject({ finished: 12, complete: 12, running: 0 });
    expect(progress.at(-1)!.best!.value).toBe(best!.value);
  });

  it('counts nTrials per call, as Optuna does', async () => {
    const study = await sdk.client.createStudy({ name: 'per-call', direction: 'minimize', sampler: { random: {} } });
    const objective = async (trial: { suggestFloat: (n: string, l: number, h: number) => Promise<number> }) => trial.suggestFloat('x', 0, 1);
    await study.optimize(objective, { nTrials: 3 });
    await study.optimize(objective, { nTrials: 4, concurrency: 2 });
    expect((await study.trials()).length).toBe(7);
  });

  it('supports define-by-run: parameters depend on earlier ones, and a repeated suggest returns the same value', async () => {
    const study = await sdk.client.createStudy({ name: 'define-by-run', direction: 'minimize', seed: 3, sampler: { random: {} } });
    await study.optimize(
      async (trial) => {
        const model = await trial.suggestCategorical('model', ['linear', 'tree']);
        if (model === 'linear') {
          const c = await trial.suggestFloat('c', 1e-3, 1e3, { log: true });
          expect(await trial.suggestFloat('c', 1e-3, 1e3, { log: true })).toBe(c);
          return Math.abs(Math.log10(c));
        }
        const depth = await trial.suggestInt('depth', 2, 10, { step: 2 });
        const both = await trial.suggest({ depth: { kind: 'int', low: 2, high: 10, step: 2 }, leaves: { kind: 'int', low: 1, high: 3 } });
        expect(both.depth).toBe(depth);
        return depth / 10;
      },
      { nTrials: 10 },
    );
    const trials = await study.trials();
    expect(trials).toHaveLength(10);
    for (const t of trials) {
      if (t.params.model === 'linear') {
        expect(Object.keys(t.params).sort()).toEqual(['c', 'model']);
        expect(t.distributions.c).toEqual({ kind: 'float', low: 1e-3, high: 1e3, log: true });
      } else {
        expect(Object.keys(t.params).sort()).toEqual(['depth', 'leaves', 'model']);
        expect((t.params.depth as number) % 2).toBe(0);
      }
    }
    expect(new Set(trials.map((t) => t.params.model))).toEqual(new Set(['linear', 'tree']));
  });

  it('prunes through report: report answers true, TrialPruned stores PRUNED with the curve so far', async () => {
    const study = await sdk.client.createStudy({
      name: 'pruning',
      direction: 'minimize',
      sampler: { random: {} },
      pruner: { median: { nStartupTrials: 2, nWarmupSteps: 0 } },
    });
    // Two good trials set the median; then a bad one must be pruned at its first comparable step.
    for (const level of [1, 1.5, 100]) await study.enqueueTrial({ level });
    const answers = new Map<number, boolean[]>();
    const result = await study.optimize(
      async (trial) => {
        const level = await trial.suggestFloat('level', 0, 1000);
        const said: boolean[] = [];
        answers.set(trial.number, said);
        let value = level;
        for (let step = 0; step < 5; step++) {
          value = level + 5 - step;
          const prune = await trial.report(value, step);
          said.push(prune);
          expect(trial.shouldPrune()).toBe(prune);
          if (prune) throw new TrialPruned();
        }
        return value;
      },
      { nTrials: 3 },
    );
    expect(result).toMatchObject({ complete: 2, pruned: 1 });
    const [a, b, bad] = await study.trials();
    expect([a.state, b.state, bad.state]).toEqual(['COMPLETE', 'COMPLETE', 'PRUNED']);
    expect(answers.get(bad.number)).toEqual([true]);
    expect(bad.intermediateValues).toEqual([{ step: 0, value: 105 }]);
    expect(answers.get(a.number)!.every((x) => !x)).toBe(true);
  });

  it('marks a trial FAIL with the error text and stops when the error is not caught', async () => {
    const study = await sdk.client.createStudy({ name: 'uncaught', direction: 'minimize', sampler: { random: {} } });
    let calls = 0;
    await expect(
      study.optimize(
        async () => {
          calls++;
          throw new RangeError('loss diverged');
        },
        { nTrials: 5 },
      ),
    ).rejects.toThrow('loss diverged');
    expect(calls).toBe(1);
    const [trial] = await study.trials();
    expect(trial.state).toBe('FAIL');
    expect(trial.userAttrs.fail_reason).toBe('RangeError: loss diverged');
  });

  it('goes on after errors that `catch` lists, and fails NaN results without stopping', async () => {
    const study = await sdk.client.createStudy({ name: 'caught', direction: 'minimize', sampler: { random: {} } });
    let n = 0;
    const result = await study.optimize(
      async (trial) => {
        const i = n++;
        if (i === 0) throw new RangeError('bad batch');
        if (i === 1) return NaN;
        return trial.suggestFloat('x', 0, 1);
      },
      { nTrials: 4, catch: [RangeError] },
    );
    expect(result).toMatchObject({ started: 4, complete: 2, failed: 2 });
    const trials = await study.trials();
    expect(trials.filter((t) => t.state === 'FAIL').map((t) => String(t.userAttrs.fail_reason))).toEqual([
      'RangeError: bad batch',
      expect.stringContaining('NaN'),
    ]);
  });

  it('surfaces a sdk.server refusal inside the objective as a typed error naming the problem', async () => {
    const study = await sdk.client.createStudy({ name: 'bad-suggest', direction: 'minimize', sampler: { random: {} } });
    let caught: unknown;
    await study.optimize(
      async (trial) => {
        await trial.suggestFloat('lr', 0.1, 1);
        try {
          await trial.suggestFloat('lr', 0, 10); // same name, another distribution
        } catch (error) {
          caught = error;
        }
        return 1;
      },
      { nTrials: 1 },
    );
    expect(caught).toBeInstanceOf(InvalidArgument);
    expect((caught as Error).message).toMatch(/lr/);
  });

  it('on abort, tells running trials FAIL at once and leaves none RUNNING', async () => {
    const study = await sdk.client.createStudy({ name: 'abort', direction: 'minimize', sampler: { random: {} } });
    const controller = new AbortController();
    const reasons: unknown[] = [];
    let started = 0;
    const result = await study.optimize(
      async (trial) => {
        started++;
        if (started === 3) setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 50);
        // A long objective that never looks at the signal.
        for (let step = 0; step < 200; step++) {
          await sleep(20);
          if (trial.signal.aborted) {
            reasons.push(trial.signal.reason);
            return 0;
          }
        }
        return 0;
      },
      { concurrency: 3, signal: controller.signal },
    );
    expect(result.stoppedBy).toBe('aborted');
    const trials = await study.trials();
    expect(trials.length).toBeGreaterThanOrEqual(3);
    expect(trials.filter((t) => t.state === 'RUNNING')).toEqual([]);
    expect(trials.every((t) => t.state === 'FAIL' && String(t.userAttrs.fail_reason).startsWith('aborted'))).toBe(true);
    expect(String(trials[0].userAttrs.fail_reason)).toContain('user pressed Ctrl-C');
    // Each running objective saw its trial's signal fire with the abort's reason.
    await sleep(100);
    expect(reasons.map((r) => (r as Error).message)).toEqual(Array(trials.length).fill('user pressed Ctrl-C'));
  });

  it('starts no trial after timeoutMs, and lets the running one finish', async () => {
    const study = await sdk.client.createStudy({ name: 'timeout', direction: 'minimize', sampler: { random: {} } });
    const result = await study.optimize(
      async (trial) => {
        await sleep(150);
        return trial.suggestFloat('x', 0, 1);
      },
      { nTrials: 1000, timeoutMs: 100 },
    );
    expect(result.stoppedBy).toBe('timeout');
    const trials = await study.trials();
    expect(trials.length).toBe(result.started);
    expect(trials.length).toBeLessThan(1000);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
  });

  it('stops starting trials after study.stop() from a callback', async () => {
    const study = await sdk.client.createStudy({ name: 'stop', direction: 'minimize', sampler: { random: {} } });
    const result = await study.optimize(async (trial) => trial.suggestFloat('x', 0, 1), {
      nTrials: 50,
      callbacks: [(s, t) => (t.number >= 2 ? s.stop() : undefined)],
    });
    expect(result.stoppedBy).toBe('stopped');
    expect((await study.trials()).length).toBe(3);
  });

  it('optimises several objectives and returns the Pareto front', async () => {
    const study = await sdk.client.createStudy({ name: 'two-objectives', directions: ['minimize', 'minimize'], seed: 5, sampler: { random: {} } });
    await study.optimize(
      async (trial) => {
        const x = await trial.suggestFloat('x', 0, 1);
        return [x, 1 - x];
      },
      { nTrials: 6 },
    );
    const front = await study.bestTrials();
    expect(front).toHaveLength(6); // x and 1 - x never dominate each other
    await expect(study.bestTrial()).rejects.toBeInstanceOf(InvalidArgument);
  });
});
